package io.callrec.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into {@code version.properties} at build time. */
public final class CallrecVersion implements IVersionProvider {

    /** {@code 0.1.0-SNAPSHOT} and the like, or {@code unknown} when the resource is missing. */
    public static String version() {
        try (InputStream in = CallrecVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"callrec " + version()};
    }
}
