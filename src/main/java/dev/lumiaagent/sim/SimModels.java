package dev.lumiaagent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The simulator's model table ({@code models.json}), data rather than code. */
public final class SimModels {
    private static volatile SimModels standard;
    private final List<SimModel> models;

    private SimModels(List<SimModel> models) {
        this.models = List.copyOf(models);
    }

    public static SimModels standard() {
        SimModels s = standard;
        if (s == null) {
            try (InputStream in = SimModels.class.getResourceAsStream("models.json")) {
                if (in == null) {
                    throw new IllegalStateException("resource models.json missing from the build");
                }
                s = parse(new ObjectMapper().readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            standard = s;
        }
        return s;
    }

    private static SimModels parse(JsonNode root) {
        List<SimModel> list = new ArrayList<>();
        for (JsonNode m : root.path("models")) {
            List<String> codes = new ArrayList<>();
            m.path("productCodes").forEach(c -> codes.add(c.asText()));
            java.util.Map<String, String> sources = new java.util.LinkedHashMap<>();
            m.path("sources").fields().forEachRemaining(e -> sources.put(e.getKey(), e.getValue().asText()));
            list.add(new SimModel(m.path("productType").asText(), m.path("name").asText(),
                    m.path("manufacturer").asText(), m.path("soc").asText(), m.path("platformId").asText(),
                    m.path("spec").asText(), SimModel.UsbId.parse(m.path("normal").asText()),
                    SimModel.UsbId.parse(m.path("uefi").asText()), SimModel.UsbId.parse(m.path("label").asText()),
                    codes, m.path("emmcSectors").asLong(), m.path("msmHwId").asText(),
                    m.path("writeLimitKiBs").asInt(0),
                    m.path("firmwareVersion").asText(), m.path("osVersion").asText(), m.path("swVersion").asText(),
                    m.path("manufacturerModelName").asText(), m.path("hwVersion").asText(),
                    m.path("simlockActive").asBoolean(false),
                    SimModel.AppVersion.parse(m.path("flashApp").asText()),
                    SimModel.AppVersion.parse(m.path("bootManager").asText()),
                    Long.decode(m.path("securityFlags").asText()), m.path("chargeCurrentMa").asInt(0),
                    Long.decode(m.path("transferSize").asText()), Long.decode(m.path("writeBufferSize").asText()),
                    sources));
        }
        return new SimModels(list);
    }

    public List<SimModel> all() {
        return models;
    }

    /** Finds a model by product type ({@code RM-914}, {@code rm914}) or name ({@code Lumia 520}, {@code 520}). */
    public Optional<SimModel> find(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String k = key.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        String rm = k.startsWith("RM") && !k.startsWith("RM-") ? "RM-" + k.substring(2) : k;
        for (SimModel m : models) {
            String name = m.name().toUpperCase(Locale.ROOT).replace(" ", "");
            if (m.productType().equals(rm) || name.equals(k) || name.equals("LUMIA" + k)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Finds a model or throws an error listing the known ones. */
    public SimModel require(String key) {
        return find(key).orElseThrow(() -> new IllegalArgumentException("unknown simulated model '" + key
                + "'; known: " + String.join(", ", models.stream().map(m -> m.productType() + " (" + m.name() + ")").toList())));
    }
}
