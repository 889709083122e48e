package dev.lumiaagent.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One phone's record, merged from whatever its modes could tell. A field a mode cannot give is
 * absent, never invented. Values are strings, numbers or booleans. Immutable.
 */
public final class DeviceInfo {
    private final Map<InfoField, Object> values;
    private final List<String> notes;

    private DeviceInfo(Map<InfoField, Object> values, List<String> notes) {
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
        this.notes = List.copyOf(notes);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Object> get(InfoField field) {
        return Optional.ofNullable(values.get(field));
    }

    public Optional<String> text(InfoField field) {
        return get(field).map(Object::toString);
    }

    public Map<InfoField, Object> values() {
        return values;
    }

    /** Things a technician should know that are not fields: "battery dead — charge it". */
    public List<String> notes() {
        return notes;
    }

    /** This record with {@code other}'s fields added; where both have a field, {@code other} wins. */
    public DeviceInfo merge(DeviceInfo other) {
        Map<InfoField, Object> merged = values.isEmpty() ? new EnumMap<>(InfoField.class) : new EnumMap<>(values);
        merged.putAll(other.values);
        List<String> n = new ArrayList<>(notes);
        for (String s : other.notes) {
            if (!n.contains(s)) {
                n.add(s);
            }
        }
        return new DeviceInfo(merged, n);
    }

    public PhoneIdentity identity() {
        return new PhoneIdentity(text(InfoField.IMEI).orElse(null), text(InfoField.PUBLIC_ID).orElse(null));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceInfo && ((DeviceInfo) o).values.equals(values) && ((DeviceInfo) o).notes.equals(notes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, notes);
    }

    @Override
    public String toString() {
        return values + (notes.isEmpty() ? "" : " notes=" + notes);
    }

    public static final class Builder {
        private final Map<InfoField, Object> values = new EnumMap<>(InfoField.class);
        private final List<String> notes = new ArrayList<>();

        /** Sets a field; null (or an empty string) leaves it absent. */
        public Builder put(InfoField field, Object value) {
            if (value instanceof Optional) {
                value = ((Optional<?>) value).orElse(null);
            }
            if (value == null || (value instanceof String && ((String) value).isBlank())) {
                return this;
            }
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new IllegalArgumentException(field + ": values are strings, numbers or booleans, not " + value.getClass());
            }
            values.put(field, value);
            return this;
        }

        public Builder note(String note) {
            notes.add(note);
            return this;
        }

        public DeviceInfo build() {
            return new DeviceInfo(values, notes);
        }
    }
}
