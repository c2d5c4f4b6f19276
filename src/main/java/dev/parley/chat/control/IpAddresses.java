package dev.parley.chat.control;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IP addresses as a client can write them in a header, reduced to one spelling (RFC 5952 for IPv6), so that
 * per-address limits and bans cannot be dodged by writing one address differently. Never resolves a name.
 */
final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})(?::\\d{1,5})?");
    private static final Pattern BRACKETED_IPV6 = Pattern.compile("\\[([0-9A-Fa-f:][0-9A-Fa-f:.]*)](?::\\d{1,5})?");
    /** What the JDK parses as an IPv6 literal (a hex digit or ':' first, a ':' somewhere) and never looks up. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

    private IpAddresses() {}

    /** The address in its one spelling, without a port, or null when {@code text} is not an IP address. */
    static String canonical(String text) {
        String address = text.trim();
        Matcher bracketed = BRACKETED_IPV6.matcher(address);
        if (bracketed.matches()) {
            return ipv6(bracketed.group(1));
        }
        Matcher v4 = IPV4_WITH_PORT.matcher(address);
        if (v4.matches()) {
            return ipv4(v4.group(1));
        }
        return ipv6(address);
    }

    private static String ipv4(String text) {
        Matcher octets = IPV4.matcher(text);
        if (!octets.matches()) {
            return null;
        }
        StringBuilder canonical = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(octets.group(i));
            if (octet > 255) {
                return null;
            }
            canonical.append(i > 1 ? "." : "").append(octet);
        }
        return canonical.toString();
    }

    private static String ipv6(String text) {
        if (!IPV6.matcher(text).matches()) {
            return null;
        }
        InetAddress parsed;
        try {
            parsed = InetAddress.getByName(text);
        } catch (UnknownHostException | IllegalArgumentException | SecurityException malformed) {
            return null;
        }
        if (parsed instanceof Inet4Address mapped) {
            return mapped.getHostAddress();
        }
        return parsed instanceof Inet6Address v6 ? compressed(v6.getAddress()) : null;
    }

    /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    private static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            text.append(Integer.toHexString(groups[i])).append(i < 7 ? ":" : "");
        }
        return text.toString();
    }
}
