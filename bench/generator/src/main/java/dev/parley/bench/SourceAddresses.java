package dev.parley.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code bench.source-addresses}: IPv4 addresses as a comma list, ranges ({@code 127.0.0.2-127.0.0.41}) allowed. */
final class SourceAddresses {

    private SourceAddresses() {}

    static List<InetAddress> parse(String spec) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] range = part.trim().split("-");
            long first = ipv4(range[0]);
            long last = range.length > 1 ? ipv4(range[1]) : first;
            if (range.length > 2 || last < first) {
                throw new IllegalArgumentException("not an address range: " + part);
            }
            for (long address = first; address <= last; address++) {
                addresses.add(address(address));
            }
        }
        return addresses;
    }

    private static long ipv4(String text) {
        String[] octets = text.trim().split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        long value = 0;
        for (String octet : octets) {
            int n = Integer.parseInt(octet);
            if (n < 0 || n > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            value = value << 8 | n;
        }
        return value;
    }

    private static InetAddress address(long value) {
        byte[] bytes = {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
