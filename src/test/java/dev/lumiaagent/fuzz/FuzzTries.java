package dev.lumiaagent.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets a fuzz property's tries from {@code -Dfuzz.tries=N} (Maven passes -D options on to the test JVM), so
 * a long run needs no code change: {@code mvn -B test -Dtest=ParserFuzzTest -Dfuzz.tries=100000}. Without
 * it the property keeps {@link Fuzz#DEFAULT_TRIES}, small enough for every `mvn verify`.
 */
public final class FuzzTries implements AroundPropertyHook {
    public static final String PROPERTY = "fuzz.tries";

    /** Registered on the test class, it must reach the class's properties (a hook stays on its element by default). */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.DIRECT_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) throws Throwable {
        context.attributes().setTries(tries());
        return property.execute();
    }

    public static int tries() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return Fuzz.DEFAULT_TRIES;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is not a positive number of tries");
        }
    }
}
