package dev.lumiaagent.transport.serial;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN §1: transport.serial is the only importer of com.fazecast (jSerialComm). */
class SerialImportBoundaryTest {

    @Test
    void onlyTheSerialAdapterTouchesJSerialComm() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.lumiaagent");
        noClasses().that().resideOutsideOfPackage("dev.lumiaagent.transport.serial..")
                .should().dependOnClassesThat().resideInAPackage("com.fazecast..")
                .because("jSerialComm codes are mapped once, in transport.serial (DESIGN §1, §3)")
                .check(main);
    }
}
