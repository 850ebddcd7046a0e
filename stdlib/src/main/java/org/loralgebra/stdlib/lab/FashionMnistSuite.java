package org.loralgebra.stdlib.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.loralgebra.Adapter;

/**
 * The Fashion-MNIST image suite: four tasks that share the ten clothing classes, each the images seen in one domain
 * ({@link ImageDomain#ROTATED}, {@link ImageDomain#FLIPPED}, {@link ImageDomain#INVERTED},
 * {@link ImageDomain#SHIFTED}); a base MLP trained with a fixed seed on original images plus a few of each domain
 * (like a pretrained model that has seen a little of everything); one LoRA adapter per task and seed on every layer.
 *
 * <p>Images: the base trains on the first {@code baseImages} training images and the next
 * 4 × {@code baseImagesPerDomain}, one block per domain; each task trains on its own block of the next
 * {@code trainPerTask} × 4 images. Validation and test images come from the test file, disjoint blocks per task.
 * The splits are fixed; a seed fixes the adapters' initial values and example order, and the router's.
 */
public final class FashionMnistSuite implements Suite<LabeledImages> {
    /** The domains of the tasks, in order. */
    public static final List<ImageDomain> DOMAINS =
            List.of(ImageDomain.ROTATED, ImageDomain.FLIPPED, ImageDomain.INVERTED, ImageDomain.SHIFTED);

    /** Bumped whenever training changes in a way the settings do not show, so that old cache entries are unused. */
    private static final int VERSION = 1;

    /**
     * What the suite trains, and on how much.
     *
     * @param sizes layer sizes of the base MLP, 784 first, 10 last
     * @param baseImages original images the base trains on
     * @param baseImagesPerDomain images of each domain the base also trains on
     * @param trainPerTask training images per task
     * @param validationPerTask validation images per task (λ is chosen on them)
     * @param testPerTask test images per task (reported accuracies)
     * @param baseTraining how the base trains (seed {@code baseSeed})
     * @param baseSeed the base's seed
     * @param adapterTraining how the adapters train
     * @param rank the adapters' rank
     * @param alpha the adapters' alpha
     * @param routerTraining how the linear router trains
     */
    public record Settings(
            int[] sizes,
            int baseImages,
            int baseImagesPerDomain,
            int trainPerTask,
            int validationPerTask,
            int testPerTask,
            MlpTraining baseTraining,
            long baseSeed,
            MlpTraining adapterTraining,
            int rank,
            double alpha,
            MlpTraining routerTraining) {
        /** Checks that the images fit the files (60,000 training and 10,000 test images). */
        public Settings {
            sizes = sizes.clone();
            if (sizes.length < 2 || sizes[0] != ImageDomain.SIDE * ImageDomain.SIDE || sizes[sizes.length - 1] != 10) {
                throw new IllegalArgumentException(
                        "the base MLP maps 784 pixels to 10 classes, got sizes " + Arrays.toString(sizes));
            }
            if (baseImages + 4L * (baseImagesPerDomain + trainPerTask) > 60_000) {
                throw new IllegalArgumentException("more than the 60,000 training images asked for");
            }
            if (4L * (validationPerTask + testPerTask) > 10_000) {
                throw new IllegalArgumentException("more than the 10,000 test images asked for");
            }
            if (rank < 1 || !(alpha > 0)) {
                throw new IllegalArgumentException("rank ≥ 1 and alpha > 0 needed, got " + rank + ", " + alpha);
            }
        }

        /** The full suite: MLP 784-512-256-10 on 10,000 + 4 × 500 images, 2,000 per task, rank 8. */
        public static Settings full() {
            return new Settings(
                    new int[] {784, 512, 256, 10},
                    10_000,
                    500,
                    2_000,
                    500,
                    1_000,
                    new MlpTraining(5, 128, 1e-3),
                    0,
                    new MlpTraining(5, 64, 2e-3),
                    8,
                    16,
                    new MlpTraining(3, 128, 1e-3));
        }

        /** A reduced suite for tests and {@code --quick}: MLP 784-128-64-10, a few hundred images, rank 4. */
        public static Settings quick() {
            return new Settings(
                    new int[] {784, 128, 64, 10},
                    2_000,
                    50,
                    500,
                    200,
                    300,
                    new MlpTraining(4, 64, 2e-3),
                    0,
                    new MlpTraining(6, 32, 5e-3),
                    4,
                    8,
                    new MlpTraining(2, 64, 1e-3));
        }

        /** The sizes (a copy). */
        @Override
        public int[] sizes() {
            return sizes.clone();
        }

        String baseDescription() {
            return "fmnist-base v" + VERSION + " sizes=" + Arrays.toString(sizes) + " images=" + baseImages + "+4x"
                    + baseImagesPerDomain + " " + baseTraining + " seed=" + baseSeed;
        }

        String adapterDescription() {
            return baseDescription() + " | adapter train=" + trainPerTask + " " + adapterTraining + " r=" + rank
                    + " alpha=" + alpha;
        }
    }

    private final Settings settings;
    private final LabCache cache;
    private final Progress progress;
    private final Mlp base;
    private final List<Task<LabeledImages>> tasks;
    private final LabeledImages control;
    private final LabeledImages general;
    private final SuiteAdapters<LabeledImages> adapters;

    private FashionMnistSuite(Settings settings, FashionMnist data, LabCache cache, Progress progress) {
        this.settings = settings;
        this.cache = cache;
        this.progress = progress;
        int pool = settings.baseImages() + 4 * (settings.baseImagesPerDomain() + settings.trainPerTask());
        LabeledImages train = data.train(pool);
        LabeledImages test = data.test(4 * (settings.validationPerTask() + settings.testPerTask()));
        int from = settings.baseImages();
        LabeledImages baseData = train.range(0, from);
        for (ImageDomain d : DOMAINS) {
            baseData = baseData.concat(
                    train.range(from, from + settings.baseImagesPerDomain()).in(d));
            from += settings.baseImagesPerDomain();
        }
        List<Task<LabeledImages>> ts = new ArrayList<>();
        int v = settings.validationPerTask();
        int t = settings.testPerTask();
        for (int k = 0; k < DOMAINS.size(); k++) {
            ImageDomain d = DOMAINS.get(k);
            int tr = from + k * settings.trainPerTask();
            ts.add(new Task<>(
                    d.id(),
                    train.range(tr, tr + settings.trainPerTask()).in(d),
                    test.range(k * v, (k + 1) * v).in(d),
                    test.range(4 * v + k * t, 4 * v + (k + 1) * t).in(d)));
        }
        this.tasks = List.copyOf(ts);
        this.control = test.range(4 * v, 4 * v + t);
        this.general = train.range(0, Math.min(settings.baseImages(), settings.trainPerTask()));
        LabeledImages baseTrain = baseData;
        String name = "loralgebra/fmnist-mlp-"
                + Arrays.stream(settings.sizes()).mapToObj(Integer::toString).collect(Collectors.joining("-"));
        this.base = cache.model(
                LabCache.key(settings.baseDescription()),
                () -> settings.baseTraining().base(name, settings.sizes(), baseTrain, settings.baseSeed(), progress));
        this.adapters = new SuiteAdapters<>(
                name(), tasks, LabeledImages::concat, general, settings.rank(), settings.alpha(), this::train);
    }

    /** The suite with the given settings, images from Debian's package, trained models in the user's cache. */
    public static FashionMnistSuite of(Settings settings) {
        return of(settings, FashionMnist.installed(), LabCache.user(), Progress.NONE);
    }

    /**
     * The suite with the given settings, images and cache; {@code progress} hears of training epochs (the base's
     * when it is not cached).
     */
    public static FashionMnistSuite of(Settings settings, FashionMnist data, LabCache cache, Progress progress) {
        return new FashionMnistSuite(settings, data, cache, progress);
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "fmnist";
    }

    @Override
    public Mlp base() {
        return base;
    }

    @Override
    public List<Task<LabeledImages>> tasks() {
        return tasks;
    }

    @Override
    public Adapter adapter(Task<LabeledImages> task, long seed) {
        return adapters.task(task, seed);
    }

    /** The joint adapter has twice the task adapters' rank (and alpha), for four tasks' worth of change. */
    @Override
    public Adapter joint(long seed) {
        return adapters.joint(seed);
    }

    /**
     * Trained on the first {@code trainPerTask} of the base's original (untransformed) training images, with the task
     * adapters' rank and alpha.
     */
    @Override
    public Adapter general(long seed) {
        return adapters.general(seed);
    }

    /** The original (untransformed) Fashion-MNIST test images of the first task's test range. */
    @Override
    public LabeledImages control() {
        return control;
    }

    private Adapter train(
            String what, Supplier<LabeledImages> data, int rank, double alpha, long seed, long trainingSeed) {
        String key = LabCache.key(settings.adapterDescription() + " " + what + " seed=" + seed);
        return cache.adapter(
                key,
                folder -> settings.adapterTraining()
                        .lora(base, data.get(), rank, alpha, trainingSeed, progress)
                        .save(folder));
    }

    @Override
    public Router<LabeledImages> router(long seed) {
        LabeledImages all = null;
        for (int k = 0; k < tasks.size(); k++) {
            LabeledImages t = tasks.get(k).train();
            int[] labels = new int[t.count()];
            Arrays.fill(labels, k);
            t = t.relabeled(labels);
            all = all == null ? t : all.concat(t);
        }
        Mlp linear = settings.routerTraining()
                .base("router", new int[] {ImageDomain.SIDE * ImageDomain.SIDE, tasks.size()}, all, seed, progress);
        return linear::predict;
    }
}
