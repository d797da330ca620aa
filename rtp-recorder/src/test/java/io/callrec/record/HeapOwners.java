package io.callrec.record;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Load-test helper (not a test): walks the objects one recording reaches and sums the bytes of its arrays and direct
 * buffers by owner, the chain of callrec fields that leads to them ({@code RecordingPipeline.outputs >
 * Outputs.combined > MatroskaWriter.cluster > ...}). Shared things (the relay, the fork, the recorder, classes,
 * threads) are not entered. Needs {@code --add-opens java.base/java.nio=ALL-UNNAMED} and the same for
 * {@code java.util} and {@code java.lang} to see inside buffers and collections; without them those count as empty.
 */
final class HeapOwners {
    /** Array header as HotSpot lays it out with compressed class pointers. */
    private static final int ARRAY_HEADER = 16;
    private static final List<String> NOT_ENTERED = List.of("io.callrec.media.relay.", "io.callrec.record.MediaFork",
            "io.callrec.record.Recorder", "org.slf4j.", "ch.qos.", "com.fasterxml.", "java.lang.Class",
            "java.lang.Thread", "java.lang.ClassLoader", "java.util.concurrent.", "jdk.internal.", "sun.");

    private final Map<Object, Boolean> seen = new IdentityHashMap<>();
    private final Map<String, long[]> owners = new TreeMap<>();

    private HeapOwners() {
    }

    /** Owner chain to {arrays, bytes} for what {@code root} reaches. */
    static Map<String, long[]> of(Object root) {
        HeapOwners walk = new HeapOwners();
        walk.walk(root);
        return walk.owners;
    }

    static void print(Object root) {
        long total = 0;
        System.out.printf("arrays and buffers one recording holds, by owner (count, bytes):%n");
        for (Map.Entry<String, long[]> e : of(root).entrySet()) {
            System.out.printf("  %6d %9d  %s%n", e.getValue()[0], e.getValue()[1], e.getKey());
            total += e.getValue()[1];
        }
        System.out.printf("  total %d bytes%n", total);
    }

    private record Step(Object object, String owner) {
    }

    private void walk(Object root) {
        Deque<Step> todo = new ArrayDeque<>();
        todo.push(new Step(root, root.getClass().getSimpleName()));
        while (!todo.isEmpty()) {
            Step step = todo.pop();
            Object o = step.object();
            if (o == null || seen.put(o, Boolean.TRUE) != null || !entered(o.getClass())) {
                continue;
            }
            Class<?> type = o.getClass();
            if (type.isArray()) {
                if (type.getComponentType().isPrimitive()) {
                    add(step.owner(), ARRAY_HEADER + (long) Array.getLength(o) * width(type.getComponentType()));
                } else {
                    add(step.owner(), ARRAY_HEADER + 4L * Array.getLength(o)); // the references themselves
                    for (int i = 0, n = Array.getLength(o); i < n; i++) {
                        todo.push(new Step(Array.get(o, i), step.owner()));
                    }
                }
                continue;
            }
            if (o instanceof ByteBuffer b && b.isDirect()) {
                add(step.owner() + " (direct)", b.capacity());
                continue;
            }
            boolean ours = type.getName().startsWith("io.callrec.");
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()
                            || (ours && f.getName().equals("fork"))) {
                        continue;
                    }
                    Object value;
                    try {
                        f.setAccessible(true);
                        value = f.get(o);
                    } catch (RuntimeException | IllegalAccessException e) {
                        continue; // a JDK class not opened: counted as empty
                    }
                    String owner = ours ? step.owner() + " > " + c.getSimpleName() + "." + f.getName() : step.owner();
                    todo.push(new Step(value, owner));
                }
            }
        }
    }

    private static boolean entered(Class<?> type) {
        String name = type.getName();
        for (String prefix : NOT_ENTERED) {
            if (name.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    private void add(String owner, long bytes) {
        long[] sum = owners.computeIfAbsent(shorten(owner), k -> new long[2]);
        sum[0]++;
        sum[1] += bytes;
    }

    /** Per-instance names (Source[3], Track of payload type 96) folded together: the owner, not the instance. */
    private static String shorten(String owner) {
        List<String> parts = new ArrayList<>(List.of(owner.split(" > ")));
        return String.join(" > ", parts.subList(Math.max(0, parts.size() - 4), parts.size()));
    }

    private static int width(Class<?> primitive) {
        if (primitive == byte.class || primitive == boolean.class) {
            return 1;
        }
        if (primitive == short.class || primitive == char.class) {
            return 2;
        }
        return primitive == long.class || primitive == double.class ? 8 : 4;
    }
}
