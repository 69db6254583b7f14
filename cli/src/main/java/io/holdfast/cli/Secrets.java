package io.holdfast.cli;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** Finds the credentials a command line or the environment carries, to mask them in anything printed. */
final class Secrets {
    private static final String MASK = "***";
    private static final String[] ENVIRONMENT = {"HOLDFAST_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};

    private Secrets() {
    }

    /** {@code text} with every secret of {@code args} (and of the environment) replaced by {@code ***}. */
    static String mask(String text, String[] args) {
        String masked = text;
        for (String secret : secrets(args)) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /**
     * Values that follow an argument naming a secret ({@code --s3-secret-key X}, a mistyped {@code --s3-secret-kee X},
     * {@code --…secret…=X}), and secrets from the environment. Values shorter than 4 characters are not masked (they
     * would mask ordinary words and cannot be real keys).
     */
    static Set<String> secrets(String[] args) {
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String lower = a.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("-") || !(lower.contains("secret") || lower.contains("token") || lower.contains("password"))) {
                continue;
            }
            int eq = a.indexOf('=');
            if (eq >= 0) {
                add(found, a.substring(eq + 1));
            } else if (i + 1 < args.length) {
                add(found, args[i + 1]);
            }
        }
        for (String name : ENVIRONMENT) {
            add(found, System.getenv(name));
        }
        return found;
    }

    private static void add(Set<String> found, String value) {
        if (value != null && value.length() >= 4) {
            found.add(value);
        }
    }
}
