package dev.lumiaagent.flow;

import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.firmware.ProductType;
import dev.lumiaagent.image.ede.EdeFormatException;
import dev.lumiaagent.image.ede.EdeParser;
import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.wire.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emergency files chosen per phone from the firmware library by the phone's root-key hash: the library's
 * programmers signed for that root key name the product types that fit (by their directory), and each
 * product type's FFU is the one to write. A 9008 phone tells only its chip, so this never guesses: when
 * programmers of product types with different FFUs share the root key (one OEM key signs many models),
 * the phone is left alone and the technician is asked for --product-type.
 */
public final class LibraryEmergencyFiles implements EmergencyFlow.FileSource {
    private final FirmwareLibrary lib;
    /** Root-key hash per programmer file, read once per run however many phones ask (empty = not a usable .ede). */
    private final Map<Path, Optional<byte[]>> rootKeys = new ConcurrentHashMap<>();

    public LibraryEmergencyFiles(FirmwareLibrary lib) {
        this.lib = lib;
    }

    @Override
    public EmergencyFlow.Result choose(byte[] rootKeyHash, MsmHwId hwId) {
        // Emergency key (RM-1113 for the 640s) → the programmers filed under it that fit this phone.
        Map<String, List<Path>> fitting = new TreeMap<>();
        List<String> unreadable = new ArrayList<>();
        for (FirmwareLibrary.Entry e : lib.entries()) {
            if (e.kind() != FirmwareLibrary.Kind.PROGRAMMER || e.productType().isEmpty()) {
                continue;
            }
            Optional<byte[]> key = rootKeys.computeIfAbsent(e.path(), LibraryEmergencyFiles::rootKeyOf);
            if (key.isEmpty()) {
                unreadable.add(lib.root().relativize(e.path()).toString());
            } else if (Arrays.equals(key.get(), rootKeyHash)) {
                fitting.computeIfAbsent(ProductType.emergencyKey(e.productType().get()), k -> new ArrayList<>()).add(e.path());
            }
        }
        String unreadableNote = unreadable.isEmpty() ? "" : " (" + unreadable.size() + " programmer file(s) could not be read: "
                + String.join(", ", unreadable) + ")";
        if (fitting.isEmpty()) {
            return EmergencyFlow.Result.none("no programmer in the firmware library " + lib.root() + " is signed for this phone's root key"
                    + unreadableNote, "Put the emergency files (.ede programmer) and the FFU for this phone's product type in the firmware "
                    + "library under " + lib.root().resolve("RM-xxxx") + "; its root-key hash is " + Bytes.hex(rootKeyHash)
                    + ". Or give --programmer and --ffu (or --product-type). Nothing was written.");
        }
        // Product type → its FFU, for every product type filed under a fitting emergency key.
        Map<String, Path> ffus = new TreeMap<>();
        Map<String, String> keyOfType = new LinkedHashMap<>();
        List<String> withoutFfu = new ArrayList<>();
        for (String key : fitting.keySet()) {
            List<String> types = typesFor(key);
            boolean any = false;
            for (String type : types) {
                Optional<FirmwareLibrary.Entry> ffu = lib.ffuFor(type, null, null);
                if (ffu.isPresent()) {
                    ffus.put(type, ffu.get().path());
                    keyOfType.put(type, key);
                    any = true;
                }
            }
            if (!any) {
                withoutFfu.add(key);
            }
        }
        if (ffus.isEmpty()) {
            return EmergencyFlow.Result.none("the programmer for " + String.join(", ", fitting.keySet()) + " fits this phone, but the "
                    + "firmware library " + lib.root() + " has no FFU for " + String.join(", ", fitting.keySet())
                    + aliasNote(fitting.keySet()) + unreadableNote, "Put the stock FFU for this phone's product type in the firmware library (e.g. under "
                    + lib.root().resolve(fitting.keySet().iterator().next()) + "), then rerun. Nothing was written.");
        }
        long distinct = ffus.values().stream().map(p -> p.toAbsolutePath().normalize()).distinct().count();
        if (distinct > 1) {
            return EmergencyFlow.Result.none("ambiguous: " + String.join(", ", ffus.keySet()) + " all have a programmer signed for this "
                    + "phone's root key, with different FFUs (" + String.join(", ", ffus.values().stream()
                    .map(p -> p.getFileName().toString()).toList()) + "), and a phone in 9008 does not tell its product type",
                    "Read the product type (RM-xxxx) on the phone's label (under the battery) and run it with --product-type RM-xxxx. "
                            + "Nothing was written.");
        }
        Map.Entry<String, Path> only = ffus.entrySet().iterator().next();
        String key = keyOfType.get(only.getKey());
        Path programmer = fitting.get(key).get(0);
        String why = "root-key hash " + Bytes.hex(rootKeyHash) + " matches the programmer filed under " + key
                + (key.equals(only.getKey()) ? "" : " (the emergency files of " + only.getKey() + ")") + "; the FFU is "
                + only.getKey() + "'s" + (withoutFfu.isEmpty() ? "" : "; " + String.join(", ", withoutFfu) + " fit too but have no FFU");
        return EmergencyFlow.Result.chosen(new EmergencyFlow.Choice(programmer, only.getValue(), why));
    }

    /** Every product type in the library whose emergency files are filed under {@code key} (the key itself and its aliases). */
    private List<String> typesFor(String key) {
        List<String> types = new ArrayList<>(List.of(key));
        for (FirmwareLibrary.Entry e : lib.entries()) {
            e.productType().filter(t -> !types.contains(t) && ProductType.emergencyKey(t).equals(key)).ifPresent(types::add);
        }
        return types;
    }

    private String aliasNote(java.util.Set<String> keys) {
        List<String> aliased = new ArrayList<>();
        for (String key : keys) {
            for (String t : typesFor(key)) {
                if (!t.equals(key)) {
                    aliased.add(t);
                }
            }
        }
        return aliased.isEmpty() ? "" : " or " + String.join(", ", aliased);
    }

    private static Optional<byte[]> rootKeyOf(Path programmer) {
        try {
            return Optional.of(EdeParser.parse(Files.readAllBytes(programmer)).rootKeyHash());
        } catch (EdeFormatException | IOException e) {
            return Optional.empty();
        }
    }
}
