package org.loralgebra.stdlib.lab;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.loralgebra.Adapter;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.text.MiniLm;
import org.loralgebra.stdlib.lab.text.MiniLmWeights;
import org.loralgebra.stdlib.lab.text.TextCorpora;
import org.loralgebra.stdlib.lab.text.WordPieceTokenizer;

/**
 * The MiniLM text suite: three tasks on all-MiniLM-L6-v2 — {@code spam} (SpamAssassin ham / spam), {@code fortune}
 * (the topic of a quotation: computers, politics, science, songs-poems) and {@code supersense} (the WordNet
 * lexicographer file of a noun gloss: animal, artifact, food, person) — and a fourth source that is no task, the
 * base's own domain: the supersense of a verb gloss (communication, consumption, emotion, motion).
 *
 * <p>The base model ({@link TextClassifier}) is MiniLM with a linear head over the union of the labels
 * (2 + 4 + 4 + 4), trained with a fixed seed on the base's own domain and a small sample of each task (like a
 * pretrained model that has seen a little of everything), then frozen. Adapters are LoRA on the top layer's
 * feed-forward block ({@code encoder.layer.5.intermediate.dense}, {@code encoder.layer.5.output.dense}), trained
 * with SameDiff ({@link TextLoraTraining}). Everything below that block is frozen, so its input is computed once per
 * text and kept in the lab cache; texts are cut to {@code maxTokens} tokens.
 *
 * <p>Splits: each class's texts are shuffled with a fixed seed and cut into disjoint base, train, validation and
 * test blocks of equal size per class. A seed fixes the adapters' initial values and example order, and the
 * router's.
 */
public final class TextSuite implements Suite<TextExamples> {
    /** The tasks' names, in order. */
    public static final List<String> TASKS = List.of("spam", "fortune", "supersense");

    /** Bumped whenever training changes in a way the settings do not show, so that old cache entries are unused. */
    private static final int VERSION = 1;

    private static final long SPLIT_SEED = 20;
    private static final int ENCODE_BATCH = 32;
    private static final List<String> FORTUNE_TOPICS = List.of("computers", "politics", "science", "songs-poems");
    private static final int[] NOUN_FILES = {5, 6, 13, 18};
    private static final int[] VERB_FILES = {32, 34, 37, 38};

    /**
     * What the suite trains, and on how much.
     *
     * @param maxTokens tokens per text, [CLS] and [SEP] included
     * @param basePerTask texts of each task the base's head also trains on
     * @param controlTrain texts of the base's own domain its head trains on (the general adapter's data too)
     * @param trainPerTask training texts per task
     * @param validationPerTask validation texts per task (λ is chosen on them)
     * @param testPerTask test texts per task (reported accuracies)
     * @param controlTest texts of the base's own domain in the control set
     * @param headTraining how the base's head trains (seed {@code baseSeed})
     * @param baseSeed the head's seed
     * @param adapterTraining how the adapters train
     * @param rank the adapters' rank
     * @param alpha the adapters' alpha
     * @param routerTraining how the linear router trains
     */
    public record Settings(
            int maxTokens,
            int basePerTask,
            int controlTrain,
            int trainPerTask,
            int validationPerTask,
            int testPerTask,
            int controlTest,
            SoftmaxRegression headTraining,
            long baseSeed,
            TextLoraTraining adapterTraining,
            int rank,
            double alpha,
            SoftmaxRegression routerTraining) {
        /** Checks the sizes (multiples of 4, so that every class gets the same number of texts). */
        public Settings {
            if (maxTokens < 3 || maxTokens > 512) {
                throw new IllegalArgumentException("maxTokens must be in [3, 512], got " + maxTokens);
            }
            for (int n :
                    new int[] {basePerTask, controlTrain, trainPerTask, validationPerTask, testPerTask, controlTest}) {
                if (n < 4 || n % 4 != 0) {
                    throw new IllegalArgumentException("text counts must be positive multiples of 4, got " + n);
                }
            }
            if (rank < 1 || !(alpha > 0)) {
                throw new IllegalArgumentException("rank ≥ 1 and alpha > 0 needed, got " + rank + ", " + alpha);
            }
        }

        /** The full suite: 32 tokens, 400 training texts per task, rank 8. */
        public static Settings full() {
            return new Settings(
                    32,
                    20,
                    400,
                    400,
                    152,
                    200,
                    200,
                    new SoftmaxRegression(40, 32, 1e-2),
                    0,
                    new TextLoraTraining(3, 32, 3e-3),
                    8,
                    16,
                    new SoftmaxRegression(20, 32, 1e-2));
        }

        /** A reduced suite for tests and {@code --quick}: 24 tokens, 128 training texts per task, rank 4. */
        public static Settings quick() {
            return new Settings(
                    24,
                    12,
                    96,
                    128,
                    32,
                    64,
                    64,
                    new SoftmaxRegression(40, 32, 1e-2),
                    0,
                    new TextLoraTraining(4, 16, 5e-3),
                    4,
                    8,
                    new SoftmaxRegression(20, 32, 1e-2));
        }

        String featureDescription() {
            return "minilm-features v" + VERSION + " maxTokens=" + maxTokens;
        }

        String baseDescription() {
            return "text-base v" + VERSION + " " + this;
        }
    }

    private final Settings settings;
    private final LabCache cache;
    private final Progress progress;
    private final TextClassifier base;
    private final List<Task<TextExamples>> tasks;
    private final TextExamples control;
    private final TextExamples general;
    private final SuiteAdapters<TextExamples> adapters;

    private TextSuite(Settings settings, TextCorpora corpora, LabCache cache, Progress progress) {
        this.settings = settings;
        this.cache = cache;
        this.progress = progress;
        List<List<List<String>>> classes = List.of(
                List.of(corpora.spamAssassin().ham(), corpora.spamAssassin().spam()),
                FORTUNE_TOPICS.stream().map(t -> corpora.fortunes().topic(t)).toList(),
                Arrays.stream(NOUN_FILES)
                        .mapToObj(f -> corpora.wordNet().glosses("noun", f))
                        .toList(),
                Arrays.stream(VERB_FILES)
                        .mapToObj(f -> corpora.wordNet().glosses("verb", f))
                        .toList());
        List<String> sources = List.of(
                "SpamAssassin ham/spam",
                "fortunes " + FORTUNE_TOPICS,
                "WordNet noun files " + Arrays.toString(NOUN_FILES),
                "WordNet verb files " + Arrays.toString(VERB_FILES));
        int[] task = {
            settings.basePerTask(), settings.trainPerTask(), settings.validationPerTask(), settings.testPerTask()
        };
        int[] own = {settings.controlTrain(), settings.controlTest()};
        List<List<List<String>>> splits = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            splits.add(split(classes.get(k), k < 3 ? task : own, sources.get(k)));
        }
        int total = splits.stream().flatMap(List::stream).mapToInt(List::size).sum();
        Encoder encoder = new Encoder(settings, cache, progress, total);
        List<List<TextExamples>> encoded = new ArrayList<>();
        int label = 0;
        for (int k = 0; k < splits.size(); k++) {
            int labels = classes.get(k).size();
            List<TextExamples> parts = new ArrayList<>();
            for (List<String> texts : splits.get(k)) {
                parts.add(encoder.encode(texts, labels, label));
            }
            encoded.add(parts);
            label += labels;
        }
        int labelCount = label;
        List<Task<TextExamples>> ts = new ArrayList<>();
        TextExamples baseData = encoded.get(3).get(0);
        for (int k = 0; k < 3; k++) {
            List<TextExamples> p = encoded.get(k);
            ts.add(new Task<>(TASKS.get(k), p.get(1), p.get(2), p.get(3)));
            baseData = baseData.concat(p.get(0));
        }
        this.tasks = List.copyOf(ts);
        this.general = encoded.get(3).get(0);
        this.control = encoded.get(3).get(1);
        MiniLmWeights weights = MiniLmWeights.load();
        TextExamples headData = baseData;
        float[] head =
                cache.floats(LabCache.key(settings.baseDescription()), () -> trainHead(weights, headData, labelCount));
        this.base = TextClassifier.of(
                weights,
                labelCount,
                Arrays.copyOf(head, labelCount * MiniLm.HIDDEN),
                Arrays.copyOfRange(head, labelCount * MiniLm.HIDDEN, head.length));
        this.adapters = new SuiteAdapters<>(
                name(), tasks, TextExamples::concat, general, settings.rank(), settings.alpha(), this::train);
    }

    /** The suite with the given settings, texts from the installed packages, trained models in the user's cache. */
    public static TextSuite of(Settings settings) {
        return of(settings, TextCorpora.installed(), LabCache.user(), Progress.NONE);
    }

    /**
     * The suite with the given settings, texts and cache; {@code progress} hears of texts encoded (when not cached)
     * and training epochs.
     */
    public static TextSuite of(Settings settings, TextCorpora corpora, LabCache cache, Progress progress) {
        return new TextSuite(settings, corpora, cache, progress);
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "text";
    }

    @Override
    public TextClassifier base() {
        return base;
    }

    @Override
    public List<Task<TextExamples>> tasks() {
        return tasks;
    }

    @Override
    public Adapter adapter(Task<TextExamples> task, long seed) {
        return adapters.task(task, seed);
    }

    /** The joint adapter has twice the task adapters' rank (and alpha), for three tasks' worth of change. */
    @Override
    public Adapter joint(long seed) {
        return adapters.joint(seed);
    }

    /** Trained on the base's own domain (the verb glosses its head trained on), with the task adapters' rank. */
    @Override
    public Adapter general(long seed) {
        return adapters.general(seed);
    }

    /** Test texts of the base's own domain (verb glosses), in no task and disjoint from all training data. */
    @Override
    public TextExamples control() {
        return control;
    }

    /** A linear router on the base's sentence embeddings, trained on the tasks' training texts. */
    @Override
    public Router<TextExamples> router(long seed) {
        TextExamples all = null;
        for (int k = 0; k < tasks.size(); k++) {
            TextExamples t = tasks.get(k).train();
            int[] labels = new int[t.count()];
            Arrays.fill(labels, k);
            t = t.relabeled(labels, tasks.size());
            all = all == null ? t : all.concat(t);
        }
        int n = tasks.size();
        float[][] e = base.embeddings(all);
        int[] from = new int[all.count()];
        int[] to = new int[all.count()];
        Arrays.fill(to, n);
        SoftmaxRegression.Weights w = settings.routerTraining().fit(e, all, from, to, n, seed);
        return examples -> {
            float[][] x = base.embeddings(examples);
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < n; c++) {
                    double s = w.b()[c];
                    for (int j = 0; j < MiniLm.HIDDEN; j++) {
                        s += (double) w.w()[c * MiniLm.HIDDEN + j] * x[i][j];
                    }
                    if (s > best) {
                        best = s;
                        out[i] = c;
                    }
                }
            }
            return out;
        };
    }

    private Adapter train(
            String what, Supplier<TextExamples> data, int rank, double alpha, long seed, long trainingSeed) {
        String key = LabCache.key(
                settings.baseDescription() + " | adapter " + what + " r=" + rank + " alpha=" + alpha + " seed=" + seed);
        return cache.adapter(
                key,
                folder -> settings.adapterTraining()
                        .lora(base, data.get(), rank, alpha, trainingSeed, progress)
                        .save(folder));
    }

    private float[] trainHead(MiniLmWeights weights, TextExamples data, int labels) {
        TextClassifier headless =
                TextClassifier.of(weights, labels, new float[labels * MiniLm.HIDDEN], new float[labels]);
        int n = data.count();
        int[] from = new int[n];
        int[] to = new int[n];
        for (int i = 0; i < n; i++) {
            from[i] = data.from(i);
            to[i] = data.to(i);
        }
        SoftmaxRegression.Weights w =
                settings.headTraining().fit(headless.embeddings(data), data, from, to, labels, settings.baseSeed());
        float[] out = Arrays.copyOf(w.w(), w.w().length + w.b().length);
        System.arraycopy(w.b(), 0, out, w.w().length, w.b().length);
        return out;
    }

    /** Each class's texts shuffled with a fixed seed and cut into blocks of sizes[j]/classes per class. */
    private static List<List<String>> split(List<List<String>> classes, int[] sizes, String source) {
        int k = classes.size();
        int need = Arrays.stream(sizes).sum() / k;
        List<List<String>> out = new ArrayList<>();
        for (int s = 0; s < sizes.length; s++) {
            out.add(new ArrayList<>());
        }
        for (int c = 0; c < k; c++) {
            List<String> texts = new ArrayList<>(classes.get(c));
            if (texts.size() < need) {
                throw new LoraException(
                        source + ": class " + c + " has " + texts.size() + " texts, the suite needs " + need);
            }
            SplittableRandom rnd = new SplittableRandom(SPLIT_SEED + c);
            for (int i = texts.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                String t = texts.get(i);
                texts.set(i, texts.get(j));
                texts.set(j, t);
            }
            int at = 0;
            for (int s = 0; s < sizes.length; s++) {
                int per = sizes[s] / k;
                out.get(s).addAll(texts.subList(at, at + per));
                at += per;
            }
        }
        return out;
    }

    /** Encodes texts with the frozen lower layers (MiniLM loaded only when some texts are not cached). */
    private static final class Encoder {
        private final Settings settings;
        private final LabCache cache;
        private final Progress progress;
        private final int total;
        private int done;
        private MiniLm model;
        private WordPieceTokenizer tokenizer;

        Encoder(Settings settings, LabCache cache, Progress progress, int total) {
            this.settings = settings;
            this.cache = cache;
            this.progress = progress;
            this.total = total;
        }

        /** Texts of one split, k classes in equal blocks, labelled first, first + 1, …. */
        TextExamples encode(List<String> texts, int classes, int first) {
            String key = LabCache.key(settings.featureDescription() + " " + digest(texts));
            float[] flat = cache.floats(key, () -> compute(texts));
            int n = texts.size();
            float[][] rows = new float[n][];
            int at = 1 + n;
            for (int i = 0; i < n; i++) {
                int len = (int) flat[1 + i] * MiniLm.HIDDEN;
                rows[i] = Arrays.copyOfRange(flat, at, at + len);
                at += len;
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = first + i / (n / classes);
            }
            done += n;
            progress.advanced(done, total);
            return TextExamples.of(MiniLm.HIDDEN, rows, labels, first, first + classes);
        }

        private float[] compute(List<String> texts) {
            if (model == null) {
                model = MiniLm.load();
                tokenizer = WordPieceTokenizer.minilm();
            }
            return SingleThread.run(() -> {
                int n = texts.size();
                int[][] ids = new int[n][];
                for (int i = 0; i < n; i++) {
                    ids[i] = tokenizer.encode(texts.get(i), settings.maxTokens());
                }
                // batches of texts of similar length, so that little is padded
                Integer[] byLength = new Integer[n];
                for (int i = 0; i < n; i++) {
                    byLength[i] = i;
                }
                Arrays.sort(byLength, (p, q) -> Integer.compare(ids[p].length, ids[q].length));
                float[][] rows = new float[n][];
                long size = 1 + n;
                for (int from = 0; from < n; from += ENCODE_BATCH) {
                    int to = Math.min(n, from + ENCODE_BATCH);
                    List<int[]> batch = new ArrayList<>();
                    for (int j = from; j < to; j++) {
                        batch.add(ids[byLength[j]]);
                    }
                    List<float[]> out = model.ffnInputs(batch, TextClassifier.TOP);
                    for (int j = from; j < to; j++) {
                        rows[byLength[j]] = out.get(j - from);
                        size += out.get(j - from).length;
                    }
                    progress.advanced(done + to, total);
                }
                float[] flat = new float[Math.toIntExact(size)];
                flat[0] = n;
                int at = 1 + n;
                for (int i = 0; i < n; i++) {
                    flat[1 + i] = rows[i].length / MiniLm.HIDDEN;
                    System.arraycopy(rows[i], 0, flat, at, rows[i].length);
                    at += rows[i].length;
                }
                return flat;
            });
        }

        private static String digest(List<String> texts) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (String t : texts) {
                    md.update(t.getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 missing from the JVM", e);
            }
        }
    }
}
