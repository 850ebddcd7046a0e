package org.loralgebra.hub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hub's analyses on one machine, in plain Java without Spark: the reference that {@link SparkHub} equals row for
 * row (the same doubles), because both call the same per-adapter ({@link AdapterLocation#profile}), per-block
 * ({@link BlockSimilarity}) and per-module ({@link ModuleClustering}) functions on the same inputs. Also the right
 * tool for a few hundred adapters: no Spark context to start.
 */
public final class HubAnalysis {
    private HubAnalysis() {}

    /** {@code lora hub stats}: tables {@code modules} (one row per adapter × module) and {@code adapters}. */
    public static HubTables stats(List<String> paths) {
        List<String> modules = new ArrayList<>();
        List<String> adapters = new ArrayList<>();
        for (String p : paths) {
            AdapterProfile profile = AdapterLocation.profile(p, ProfilePayload.NUMBERS);
            modules.addAll(StatsRows.modules(profile));
            adapters.add(StatsRows.adapter(profile));
        }
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("modules", modules);
        t.put("adapters", adapters);
        return new HubTables(t);
    }

    /**
     * {@code lora hub similarity}: tables {@code pairs} (every pair once, or those at or above the options'
     * {@link SimilarityOptions#minPairCosine}), {@code neighbours} (top k per adapter),
     * {@code groups} (near-duplicates) and {@code errors} (adapters that could not be read).
     */
    public static HubTables similarity(List<String> paths, SimilarityOptions options) {
        int b = options.blockSize(paths.size());
        List<ProfileBlock> blocks = new ArrayList<>();
        for (int start = 0, block = 0; start < paths.size(); start += b, block++) {
            blocks.add(loadBlock(paths, block, b));
        }
        List<String> errors = new ArrayList<>();
        blocks.forEach(x -> errors.addAll(errorRows(x)));
        List<String> pairs = new ArrayList<>();
        Map<String, List<Neighbour>> neighbours = new TreeMap<>();
        List<PairScore> close = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            for (int j = i; j < blocks.size(); j++) {
                for (PairScore p : BlockSimilarity.of(blocks.get(i), blocks.get(j), options.baseModel())) {
                    if (p.listed(options.minPairCosine())) {
                        pairs.add(p.row());
                    }
                    List<Neighbour> two = Neighbour.of(p);
                    for (int e = 0; e < two.size(); e++) {
                        neighbours.merge(
                                Neighbour.owner(p, e),
                                List.of(two.get(e)),
                                (x, y) -> Neighbour.top(x, y, options.topK()));
                    }
                    if (DuplicateGroups.close(p, options.threshold())) {
                        close.add(p);
                    }
                }
            }
        }
        List<String> neighbourRows = new ArrayList<>();
        neighbours.forEach(
                (a, list) -> neighbourRows.add(Neighbour.row(a, Neighbour.top(list, List.of(), options.topK()))));
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("pairs", pairs);
        t.put("neighbours", neighbourRows);
        t.put("groups", DuplicateGroups.rows(close, options.threshold()));
        t.put("errors", errors);
        return new HubTables(t);
    }

    /**
     * {@code lora hub cluster}: tables {@code units} (one row per rank unit), {@code adapters} (one row per readable
     * adapter) and {@code errors}.
     */
    public static HubTables cluster(List<String> paths, ClusterOptions options) {
        Map<String, List<UnitMember>> groups = new TreeMap<>();
        Map<Integer, String> readable = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            AdapterProfile p = AdapterLocation.profile(paths.get(i), ProfilePayload.FACTORS);
            if (p.failed()) {
                errors.add(JsonRows.error(p.adapter(), p.error()));
                continue;
            }
            readable.put(i, p.adapter());
            for (UnitMember m : members(i, p)) {
                groups.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(m);
            }
        }
        List<String> units = new ArrayList<>();
        List<UnitContribution> contributions = new ArrayList<>();
        for (List<UnitMember> g : groups.values()) {
            ModuleClustering c = ModuleClustering.of(g, options.k(), options.seed(), options.iterations());
            units.addAll(c.units());
            contributions.addAll(c.contributions());
        }
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("units", units);
        t.put(
                "adapters",
                AdapterClusters.rows(
                        readable, contributions, options.adapterK(), options.seed(), options.iterations()));
        t.put("errors", errors);
        return new HubTables(t);
    }

    /** Block {@code block} of the input (size b), profiled with SVDs. */
    static ProfileBlock loadBlock(List<String> paths, int block, int b) {
        List<Integer> idx = new ArrayList<>();
        List<AdapterProfile> profiles = new ArrayList<>();
        for (int i = block * b; i < Math.min(paths.size(), (block + 1) * b); i++) {
            idx.add(i);
            profiles.add(AdapterLocation.profile(paths.get(i), ProfilePayload.SVD));
        }
        return new ProfileBlock(block, idx, profiles);
    }

    /** The error rows of a block's unreadable adapters. */
    static List<String> errorRows(ProfileBlock block) {
        List<String> rows = new ArrayList<>();
        for (AdapterProfile p : block.profiles()) {
            if (p.failed()) {
                rows.add(JsonRows.error(p.adapter(), p.error()));
            }
        }
        return rows;
    }

    /** The modules of a readable adapter whose units can be clustered (finite factors). */
    static List<UnitMember> members(int index, AdapterProfile p) {
        List<UnitMember> out = new ArrayList<>();
        for (ModuleProfile m : p.modules()) {
            if (m.hasFactors() && m.rank() > 0) {
                out.add(new UnitMember(index, p.adapter(), m));
            }
        }
        return out;
    }
}
