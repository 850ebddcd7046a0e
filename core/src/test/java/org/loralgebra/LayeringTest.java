package org.loralgebra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.PlantedBackEdge;

/**
 * The packages of the core form layers, each depending only on the ones below it (read from the compiled classes):
 *
 * <pre>
 *   org.loralgebra            the API: Lora, Adapter, Spectrum, save
 *   exec.nd4j                 the CPU backend (the only package that uses ND4J)
 *   exec                      evaluation: engine, backend interface, module values
 *   plan, plan.rules          the planner and its rewrite rules
 *   graph                     immutable expression nodes and their typing
 *   io.format                 the list of formats: which reader reads a path
 *   io.diffusers, io.lycoris, io.kohya, io.peft, io.factor   one package per format
 *   io                        what the adapter readers share
 *   io.checkpoint             base models' weights (one file or shards), module names resolved to tensors
 *   io.safetensors, io.files  the safetensors codec; atomic, checked files
 *   model, config             adapter and module types; PEFT's adapter_config.json
 *   tensor, lang              tensors; the value types every layer speaks (Rank, Side, Split, errors)
 * </pre>
 *
 * A new dependency from a lower layer to a higher one fails here, naming the classes.
 */
class LayeringTest {
    /** The layers, bottom first: a package may depend on its own layer and the ones before it. */
    static final List<List<String>> LAYERS = List.of(
            List.of("org.loralgebra.lang"),
            List.of("org.loralgebra.tensor"),
            List.of("org.loralgebra.config"),
            List.of("org.loralgebra.model"),
            List.of("org.loralgebra.io.files"),
            List.of("org.loralgebra.io.safetensors"),
            List.of("org.loralgebra.io.checkpoint"),
            List.of("org.loralgebra.io"),
            List.of("org.loralgebra.io.factor"),
            List.of("org.loralgebra.io.peft"),
            List.of("org.loralgebra.io.kohya"),
            List.of("org.loralgebra.io.lycoris", "org.loralgebra.io.diffusers"),
            List.of("org.loralgebra.io.format"),
            List.of("org.loralgebra.graph"),
            List.of("org.loralgebra.plan.rules"),
            List.of("org.loralgebra.plan"),
            List.of("org.loralgebra.exec"),
            List.of("org.loralgebra.exec.nd4j"),
            List.of("org.loralgebra"));

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.loralgebra");

    /** One rule per layer: none of its classes depends on a class of a layer above it. */
    static List<ArchRule> rules() {
        List<ArchRule> rules = new ArrayList<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            List<String> above = new ArrayList<>();
            LAYERS.subList(i + 1, LAYERS.size()).forEach(above::addAll);
            if (above.isEmpty()) {
                continue;
            }
            rules.add(noClasses()
                    .that()
                    .resideInAnyPackage(LAYERS.get(i).toArray(String[]::new))
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(above.toArray(String[]::new))
                    .as("layer " + LAYERS.get(i) + " depends on no layer above it"));
        }
        return rules;
    }

    @Test
    void everyPackageOfTheCoreIsInALayer() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : CORE) {
            packages.add(c.getPackageName());
        }
        Set<String> layered = new TreeSet<>();
        LAYERS.forEach(layered::addAll);
        packages.removeAll(layered);
        assertEquals(Set.of(), packages, "packages that no layer names: add each to LAYERS where it belongs");
    }

    @Test
    void noLayerDependsOnALayerAboveIt() {
        for (ArchRule rule : rules()) {
            rule.check(CORE);
        }
    }

    @Test
    void thePackagesFormNoCycle() {
        SlicesRuleDefinition.slices()
                .matching("org.loralgebra.(**)")
                .should()
                .beFreeOfCycles()
                .check(CORE);
    }

    @Test
    void onlyTheNd4jBackendUsesNd4j() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.loralgebra.exec.nd4j")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.nd4j..", "org.bytedeco.openblas..", "org.bytedeco.mkl..")
                .because("backends are plug-ins: the engine must start without ND4J or OpenBLAS on the class path")
                .check(CORE);
    }

    @Test
    void aPlantedBackEdgeFailsTheRules() {
        // a class in the bottom layer that uses the API at the top, imported from the test classes
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedBackEdge.class, Adapter.class);
        List<String> violations = new ArrayList<>();
        for (ArchRule rule : rules()) {
            EvaluationResult result = rule.allowEmptyShould(true).evaluate(planted);
            if (result.hasViolation()) {
                violations.addAll(result.getFailureReport().getDetails());
            }
        }
        assertFalse(violations.isEmpty(), "the planted back edge lang → org.loralgebra was not reported");
        assertTrue(
                violations.stream().anyMatch(v -> v.contains(PlantedBackEdge.class.getName()) && v.contains("Adapter")),
                "the report names the class and the dependency: " + violations);
    }
}
