package io.callrec.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.TestInfo;

/**
 * Where integration tests find the built server and leave their logs: everything lives under the
 * module's {@code target/} directory, found from the location of the compiled test classes so that
 * it works the same under Maven, failsafe's forked JVM and an IDE.
 */
public final class ItDirs {

    private ItDirs() {
    }

    /** {@code sip-app/target}. */
    public static Path moduleTarget() {
        try {
            // .../sip-app/target/test-classes/ -> .../sip-app/target
            Path testClasses = Path.of(ItDirs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return testClasses.toAbsolutePath().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the test classes", e);
        }
    }

    /** The compiled test classes, for starting helper main classes in a separate JVM. */
    public static Path testClasses() {
        return moduleTarget().resolve("test-classes");
    }

    /** {@code sip-app/target/callrec.jar}, the shaded server built in the {@code package} phase. */
    public static Path callrecJar() {
        return moduleTarget().resolve("callrec.jar");
    }

    /** {@code target/it-logs/<name>}, created empty (a rerun does not mix with old logs). */
    public static Path logDir(String name) {
        Path dir = moduleTarget().resolve("it-logs").resolve(name.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            if (Files.exists(dir)) {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder())
                            .filter(p -> !p.equals(dir))
                            .forEach(ItDirs::delete);
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code target/it-logs/<TestClass>.<method>}. */
    public static Path logDir(TestInfo test) {
        String cls = test.getTestClass().map(Class::getSimpleName).orElse("test");
        Optional<String> method = test.getTestMethod().map(m -> m.getName());
        // Each invocation of a parameterized test ("[1] both") gets its own directory.
        String invocation = test.getDisplayName().startsWith("[") ? "-" + test.getDisplayName() : "";
        return logDir(method.map(m -> cls + "." + m).orElse(cls) + invocation);
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
