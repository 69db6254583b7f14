package io.holdfast.cli;

import picocli.CommandLine;

/** Reports the version baked into the jar's manifest. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"holdfast " + (v == null ? "dev" : v)};
    }
}
