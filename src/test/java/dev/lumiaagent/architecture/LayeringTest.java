package dev.lumiaagent.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** DESIGN §1: dependencies point one way, top to bottom; only the adapters import their libraries. */
@AnalyzeClasses(packages = "dev.lumiaagent", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
            .layer("cli").definedBy("dev.lumiaagent.cli..")
            .layer("bench").definedBy("dev.lumiaagent.bench..")
            .layer("flow").definedBy("dev.lumiaagent.flow..")
            .layer("device").definedBy("dev.lumiaagent.device..")
            .layer("protocol").definedBy("dev.lumiaagent.protocol..")
            .layer("transport").definedBy("dev.lumiaagent.transport..")
            .layer("image").definedBy("dev.lumiaagent.image..")
            .layer("firmware").definedBy("dev.lumiaagent.firmware..")
            .layer("certificate").definedBy("dev.lumiaagent.certificate..")
            .layer("record").definedBy("dev.lumiaagent.record..")
            .layer("sim").definedBy("dev.lumiaagent.sim..")
            .layer("time").definedBy("dev.lumiaagent.time..")
            // exec starts other programs (uhubctl, socat): a low-level package anyone may use, which uses nothing of ours
            .layer("exec").definedBy("dev.lumiaagent.exec..")
            // host: the tools of the machine the agent runs on (uhubctl); the cli wires them in
            .layer("host").definedBy("dev.lumiaagent.host..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("flow").mayOnlyBeAccessedByLayers("cli", "bench")
            .whereLayer("device").mayOnlyBeAccessedByLayers("cli", "bench", "flow")
            .whereLayer("protocol").mayOnlyBeAccessedByLayers("cli", "bench", "flow", "device", "sim")
            .whereLayer("transport").mayOnlyBeAccessedByLayers("cli", "bench", "flow", "device", "protocol", "sim", "host")
            .whereLayer("host").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("sim").mayOnlyBeAccessedByLayers("cli")
            // job and web, which use certificates too, are not layers of this list: see jobCliAndWebAloneUseCertificates
            .whereLayer("certificate").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("time").mayOnlyBeAccessedByLayers("cli", "bench", "flow", "device", "protocol", "transport", "sim");

    @ArchTest
    static final ArchRule imageDependsOnNothingAbove = noClasses().that().resideInAPackage("dev.lumiaagent.image..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.cli..", "dev.lumiaagent.bench..",
                    "dev.lumiaagent.flow..", "dev.lumiaagent.device..", "dev.lumiaagent.protocol..",
                    "dev.lumiaagent.transport..", "dev.lumiaagent.sim..", "dev.lumiaagent.record..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule pathsAndTimeDependOnNothingOfTheProject = noClasses().that()
            .resideInAnyPackage("dev.lumiaagent.paths..", "dev.lumiaagent.time..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.cli..", "dev.lumiaagent.bench..",
                    "dev.lumiaagent.flow..", "dev.lumiaagent.device..", "dev.lumiaagent.protocol..", "dev.lumiaagent.transport..",
                    "dev.lumiaagent.sim..", "dev.lumiaagent.record..", "dev.lumiaagent.image..", "dev.lumiaagent.firmware..");

    @ArchTest
    static final ArchRule onlyTheUsbAdapterImportsUsb4java = noClasses().that()
            .resideOutsideOfPackage("dev.lumiaagent.transport.usb..")
            .should().dependOnClassesThat().resideInAnyPackage("org.usb4java..");

    @ArchTest
    static final ArchRule onlyTheSerialAdapterImportsJSerialComm = noClasses().that()
            .resideOutsideOfPackage("dev.lumiaagent.transport.serial..")
            .should().dependOnClassesThat().resideInAnyPackage("com.fazecast..");

    @ArchTest
    static final ArchRule nothingButCliAndSimKnowsPhonesAreSimulated = noClasses().that()
            .resideOutsideOfPackages("dev.lumiaagent.cli..", "dev.lumiaagent.sim..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.sim..");

    /** The host's integration (doctor, setup, uhubctl) is driven by the CLI; nothing of the job or below depends on it. */
    @ArchTest
    static final ArchRule onlyTheCliDrivesTheHost = noClasses().that()
            .resideOutsideOfPackages("dev.lumiaagent.cli..", "dev.lumiaagent.host..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.host..");

    @ArchTest
    static final ArchRule hostDependsOnNothingAboveTheTransport = noClasses().that().resideInAPackage("dev.lumiaagent.host..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.cli..", "dev.lumiaagent.bench..",
                    "dev.lumiaagent.flow..", "dev.lumiaagent.job..", "dev.lumiaagent.web..", "dev.lumiaagent.sim..");

    /** exec is below everything: it knows no package of the project. */
    @ArchTest
    static final ArchRule execDependsOnNothingOfTheProject = classes().that().resideInAPackage("dev.lumiaagent.exec..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.lumiaagent.exec..", "java..", "org.apache.commons.exec..",
                    "org.slf4j..");

    /**
     * Exec is the one place that starts programs (issue 18): found on PATH, arguments as a list with no shell, a timeout on
     * every run, output captured. Nothing else builds a {@link ProcessBuilder} or calls {@code Runtime.exec}.
     */
    @ArchTest
    static final ArchRule onlyExecStartsPrograms = noClasses().that().resideOutsideOfPackage("dev.lumiaagent.exec..")
            .should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class, ProcessBuilder.Redirect.class)
            .orShould().callMethodWhere(target(name("exec")).and(target(owner(assignableTo(Runtime.class)))))
            .because("dev.lumiaagent.exec.Exec starts programs the one checked way (issue 18)");

    /** And only exec knows the library it does that with. */
    @ArchTest
    static final ArchRule onlyExecImportsCommonsExec = noClasses().that().resideOutsideOfPackage("dev.lumiaagent.exec..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.commons.exec..");

    @ArchTest
    static final ArchRule noSystemExitOutsideMain = noClasses().that().doNotHaveFullyQualifiedName("dev.lumiaagent.cli.Main")
            .should().callMethod(System.class, "exit", int.class);

    /** No package cycles anywhere (a cycle is two layers that must change together). */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.lumiaagent.(**)").should().beFreeOfCycles();

    /** Each wire protocol is self-contained (DESIGN §1): protocol.* packages share only protocol.wire. */
    @ArchTest
    static final ArchRule protocolsAreIndependentOfEachOther = slices().matching("dev.lumiaagent.protocol.(*)..")
            .should().notDependOnEachOther().ignoreDependency(
                    com.tngtech.archunit.base.DescribedPredicate.alwaysTrue(),
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("dev.lumiaagent.protocol.wire.."));

    /**
     * The step runner and the flow runner know no protocol (DESIGN §4): a device's refusal reaches them as a
     * protocol.wire DeviceRefusal, whichever protocol said it; only the flows themselves speak protocols.
     */
    @ArchTest
    static final ArchRule flowContextAndRunnerKnowNoProtocol = noClasses().that()
            .haveNameMatching("dev\\.lumiaagent\\.flow\\.(FlowContext|FlowRunner)(\\$.*)?")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.protocol.sahara..", "dev.lumiaagent.protocol.flashapp..",
                    "dev.lumiaagent.protocol.ncsd..", "dev.lumiaagent.protocol.firehose..");

    /** The transport core does not know its adapters (usb, serial, capture): they plug into it. */
    @ArchTest
    static final ArchRule transportCoreDoesNotImportItsAdapters = noClasses().that().resideInAPackage("dev.lumiaagent.transport")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.transport.usb..", "dev.lumiaagent.transport.serial..",
                    "dev.lumiaagent.transport.capture..");

    /**
     * Flows never build protocol sessions (DESIGN §1): the device facade ({@code device.Phones}) opens
     * the phone in its mode and hands them a typed phone. No exception.
     */
    @ArchTest
    static final ArchRule flowsBuildNoProtocolSessions = noClasses().that().resideInAPackage("dev.lumiaagent.flow..")
            .should().callConstructorWhere(target(owner(simpleNameEndingWith("Session").and(resideInAPackage("dev.lumiaagent.protocol..")))))
            .because("the device layer opens phones and builds their sessions (DESIGN §1)");

    /**
     * Nor do they open links: no call to {@code Bus.open} on any bus, whatever its class. Flows still
     * watch the bus ({@code Bus.watch}, {@code Bus.devices}, as PhoneWatcher does); only opening is the
     * device layer's. No exception.
     */
    @ArchTest
    static final ArchRule flowsOpenNoLinks = noClasses().that().resideInAPackage("dev.lumiaagent.flow..")
            .should().callMethodWhere(target(name("open")).and(target(owner(assignableTo(dev.lumiaagent.transport.Bus.class)))))
            .because("the device layer opens a phone's channel with the transfer rules its protocol needs (DESIGN §1)");

    /** The record store depends on nothing above it: flows and benches hand it plain records. */
    @ArchTest
    static final ArchRule recordDependsOnNothingAbove = noClasses().that().resideInAPackage("dev.lumiaagent.record..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.cli..", "dev.lumiaagent.bench..",
                    "dev.lumiaagent.flow..", "dev.lumiaagent.device..", "dev.lumiaagent.protocol..", "dev.lumiaagent.transport..",
                    "dev.lumiaagent.sim..");

    /** The firmware library reads files and FFU headers; it knows no phone, protocol or flow. */
    @ArchTest
    static final ArchRule firmwareDependsOnlyOnImages = noClasses().that().resideInAPackage("dev.lumiaagent.firmware..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.cli..", "dev.lumiaagent.bench..",
                    "dev.lumiaagent.flow..", "dev.lumiaagent.device..", "dev.lumiaagent.protocol..", "dev.lumiaagent.transport..",
                    "dev.lumiaagent.sim..", "dev.lumiaagent.record..");

    /** Only the web layer knows the web server (Javalin and the Jetty under it); the rest of the agent serves nothing. */
    @ArchTest
    static final ArchRule onlyWebImportsJavalinAndJetty = noClasses().that().resideOutsideOfPackage("dev.lumiaagent.web..")
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..");

    /**
     * The web layer renders the bench's view model and reads records and job files (DESIGN §1: cli and web render one
     * view model); it drives benches only through its Controls (implemented in cli), never flows, phones or protocols.
     */
    @ArchTest
    static final ArchRule webReadsViewRecordAndJobOnly = noClasses().that().resideInAPackage("dev.lumiaagent.web..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lumiaagent.cli..", "dev.lumiaagent.bench..",
                    "dev.lumiaagent.flow..", "dev.lumiaagent.device..", "dev.lumiaagent.protocol..", "dev.lumiaagent.transport..",
                    "dev.lumiaagent.sim..", "dev.lumiaagent.image..", "dev.lumiaagent.firmware..");

    /** Nothing below the top depends on the web layer. */
    @ArchTest
    static final ArchRule onlyCliUsesWeb = noClasses().that().resideOutsideOfPackages("dev.lumiaagent.web..", "dev.lumiaagent.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.lumiaagent.web..");

    /**
     * Erasure certificates are made of records and nothing else (issue 17): the certificate package reads
     * {@code record} and writes key files through {@code paths}; it knows no flow, phone or protocol (it names the
     * evidence strings itself), and its libraries are the JDK, Jackson, PDFBox and SLF4J.
     */
    @ArchTest
    static final ArchRule certificateDependsOnlyOnRecordAndPaths = classes().that().resideInAPackage("dev.lumiaagent.certificate..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.lumiaagent.certificate..", "dev.lumiaagent.record..",
                    "dev.lumiaagent.paths..", "java..", "javax..", "com.fasterxml.jackson..", "org.apache.pdfbox..", "org.slf4j..")
            .allowEmptyShould(true);

    /** Certificates sit between job and record: the job runner issues them, cli and web hand them out and verify them. */
    @ArchTest
    static final ArchRule jobCliAndWebAloneUseCertificates = noClasses().that().resideOutsideOfPackages("dev.lumiaagent.certificate..",
                    "dev.lumiaagent.job..", "dev.lumiaagent.cli..", "dev.lumiaagent.web..")
            .should().dependOnClassesThat().resideInAPackage("dev.lumiaagent.certificate..");

    /** Only the certificate package draws PDFs. */
    @ArchTest
    static final ArchRule onlyCertificatesImportPdfbox = noClasses().that().resideOutsideOfPackage("dev.lumiaagent.certificate..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.pdfbox..", "org.apache.fontbox..");
}
