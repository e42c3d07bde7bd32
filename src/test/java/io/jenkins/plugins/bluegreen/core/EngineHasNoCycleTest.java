package io.jenkins.plugins.bluegreen.core;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The engine is one package, so no package rule orders it: this keeps its classes a one-way graph instead. A class
 * and its nested classes count as one; any reference in the byte code counts (fields, signatures, calls, constants
 * that are not inlined). When it fails, move what both sides need into a small class of its own.
 */
class EngineHasNoCycleTest {

    /** Each top-level class of the engine, with its nested and anonymous classes, is one slice. */
    private static final SliceAssignment TOP_LEVEL_CLASSES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return SliceIdentifier.of(javaClass.getName().replaceFirst("\\$.*", ""));
        }

        @Override
        public String getDescription() {
            return "top-level classes";
        }
    };

    private static final ArchRule NO_CYCLE =
            slices().assignedFrom(TOP_LEVEL_CLASSES).should().beFreeOfCycles();

    @Test
    void theEngineClassesDependOnEachOtherOneWayOnly() {
        JavaClasses engine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BlueGreen.class.getPackageName());
        NO_CYCLE.check(engine);
    }

    @Test
    void theRuleSeesACycleBetweenTwoClasses() {
        JavaClasses pair = new ClassFileImporter().importClasses(CycleFixtureFirst.class, CycleFixtureSecond.class);
        assertThatThrownBy(() -> NO_CYCLE.check(pair))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }
}

/** Half of a deliberate cycle, for the test that proves the rule can fail. */
class CycleFixtureFirst {
    CycleFixtureSecond other;
}

/** The other half. */
class CycleFixtureSecond {
    CycleFixtureFirst other;
}
