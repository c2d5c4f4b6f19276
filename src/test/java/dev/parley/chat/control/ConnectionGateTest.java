package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Handshake;
import dev.parley.settings.Settings;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionGateTest {

    ConnectionGate cut;
    AtomicLong now = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void setUp() {
        cut = gate(Map.of(
                "parley.connections.max",
                "5",
                "parley.connections.per-address",
                "2",
                "parley.handshakes.per-address-per-second",
                "1",
                "parley.handshakes.per-address-burst",
                "4",
                "parley.trusted-proxies",
                "10.0.0.1, 10.0.0.2"));
    }

    private ConnectionGate gate(Map<String, String> settings) {
        ConnectionGate gate = new ConnectionGate();
        gate.use(ConnectionLimits.from(Settings.of(settings)), now::get);
        return gate;
    }

    private static Handshake from(String peer, String forwardedFor) {
        return new Handshake(null, "alice", null, null, "h", peer, forwardedFor, false, false);
    }

    @Test
    void theAddressIsThePeerUnlessThePeerIsATrustedProxy() {
        assertEquals("192.0.2.9", cut.clientAddress(from("192.0.2.9", "203.0.113.5")));
        assertEquals("203.0.113.5", cut.clientAddress(from("10.0.0.1", "203.0.113.5")));
        assertEquals(
                "203.0.113.5",
                cut.clientAddress(from("10.0.0.1", "198.51.100.1, 203.0.113.5, 10.0.0.2")),
                "the last hop that is not a trusted proxy; what the client wrote before it is ignored");
        assertEquals("10.0.0.1", cut.clientAddress(from("10.0.0.1", null)));
        assertEquals(ConnectionGate.UNKNOWN, cut.clientAddress(from(null, "203.0.113.5")));
    }

    @Test
    void aForwardedHopThatIsNotAnAddressIsNotBelievedAndTheProxyCounts() {
        for (String hop :
                new String[] {"unknown", "evil.example", "_hidden", "1.2.3", "::1%eth0", "[::1", "300.1.1.1"}) {
            assertEquals(
                    "10.0.0.1",
                    cut.clientAddress(from("10.0.0.1", "203.0.113.5, " + hop)),
                    "hop " + hop + " must not become an address of its own, nor switch off the per-address limits");
        }
        assertEquals("203.0.113.5", cut.clientAddress(from("10.0.0.1", "203.0.113.5:4711")), "a port is dropped");
        assertEquals("2001:db8::1", cut.clientAddress(from("10.0.0.1", "[2001:db8::1]:4711")));
    }

    @Test
    void oneIpv6AddressIsOneAddressHoweverItIsSpelled() {
        String[] spellings = {"2001:db8::1", "2001:DB8:0:0:0:0:0:1", "[2001:db8:0::1]", "2001:0db8::0001"};
        for (String spelling : spellings) {
            assertEquals("2001:db8::1", cut.clientAddress(from("10.0.0.1", spelling)));
        }
    }

    @Test
    void refusalsAreLoggedAFewTimesAMinutePerAddressAndSaySoWhenLinesWereLeftOut() {
        ConnectionGate sampled = gate(Map.of("parley.log.refusals-per-address-per-minute", "2"));
        assertEquals(0, sampled.refusalsLeftOutBefore("a"));
        assertEquals(0, sampled.refusalsLeftOutBefore("a"));
        assertEquals(-1, sampled.refusalsLeftOutBefore("a"), "the third line within a minute is left out");
        assertEquals(-1, sampled.refusalsLeftOutBefore("a"));
        assertEquals(0, sampled.refusalsLeftOutBefore("b"), "other addresses have their own allowance");
        now.addAndGet(30_000_000_000L);
        assertEquals(2, sampled.refusalsLeftOutBefore("a"), "after half a minute one more, counting the two left out");
        assertEquals(-1, sampled.refusalsLeftOutBefore("a"));
    }

    @Test
    void perAddressAndTotalLimitsHoldAndReleaseGivesSlotsBackOnce() {
        ConnectionGate.Ticket a1 = cut.enter("a");
        ConnectionGate.Ticket a2 = cut.enter("a");
        ConnectionGate.Ticket a3 = cut.enter("a");
        assertTrue(a1.admitted() && a2.admitted());
        assertFalse(a3.admitted());
        a3.release();
        assertEquals(2, cut.openConnections("a"), "releasing a refusal gives nothing back");
        a1.release();
        a1.release();
        assertEquals(1, cut.openConnections("a"), "a second release counts nothing");
        assertEquals(1, cut.openConnections());
        assertTrue(cut.enter("b").admitted());
        assertTrue(cut.enter("b").admitted());
        assertTrue(cut.enter("c").admitted());
        assertTrue(cut.enter("c").admitted());
        ConnectionGate.Ticket overTotal = cut.enter("d");
        assertFalse(overTotal.admitted(), "5 open: the total is reached");
        assertEquals(0, cut.openConnections("d"));
        a2.release();
        assertEquals(0, cut.openConnections("a"));
        assertTrue(cut.enter("d").admitted());
    }

    @Test
    void oneAddressOpensItsBurstAtOnceThenOneASecond() {
        for (int i = 0; i < 4; i++) {
            cut.enter("hasty").release();
        }
        assertFalse(cut.enter("hasty").admitted());
        assertTrue(cut.enter("calm").admitted(), "other addresses are not slowed");
        now.addAndGet(1_000_000_000L);
        cut.enter("hasty").release();
        assertFalse(cut.enter("hasty").admitted());
    }

    /**
     * A connection closed with 4029 costs its address its handshakes for the cool-down, however many it had saved
     * up; its other connections keep their slots, and other addresses are not slowed.
     */
    @Test
    void anAddressWhoseConnectionWasClosedFor4029OpensNoNewOneForTheCooldown() {
        ConnectionGate.Ticket other = cut.enter("flooder");
        cut.struckOut("flooder");
        assertFalse(cut.enter("flooder").admitted(), "straight after the close");
        assertTrue(cut.enter("calm").admitted());
        now.addAndGet(9_900_000_000L);
        assertFalse(cut.enter("flooder").admitted(), "within the default 10 s");
        assertEquals(1, cut.openConnections("flooder"), "its other connection keeps its slot");
        now.addAndGet(100_000_000L);
        assertTrue(cut.enter("flooder").admitted(), "after the cool-down");
        other.release();
    }

    @Test
    void aCooldownOfZeroLeavesTheHandshakesAsTheyWere() {
        ConnectionGate gate = gate(Map.of("parley.handshakes.strike-cooldown-s", "0"));
        gate.struckOut("flooder");
        assertTrue(gate.enter("flooder").admitted());
    }

    /** The commands of every connection from one address come out of two buckets the address shares. */
    @Test
    void oneAddressSharesItsCommandAndPostingRatesWhateverItsConnections() {
        ConnectionGate shared = gate(Map.of(
                "parley.rate.say-per-address-per-second", "1",
                "parley.rate.say-per-address-burst", "3",
                "parley.rate.commands-per-address-per-second", "2",
                "parley.rate.commands-per-address-burst", "5"));
        for (int i = 0; i < 3; i++) {
            assertTrue(shared.withinAddressRate("crowded", true));
        }
        assertFalse(shared.withinAddressRate("crowded", true), "the fourth post of the address");
        for (int i = 0; i < 5; i++) {
            assertTrue(shared.withinAddressRate("crowded", false), "commands have a bucket of their own");
        }
        assertFalse(shared.withinAddressRate("crowded", false));
        assertTrue(shared.withinAddressRate("neighbour", true), "other addresses are not slowed");
        assertTrue(shared.withinAddressRate(ConnectionGate.UNKNOWN, true));
        now.addAndGet(1_000_000_000L);
        assertTrue(shared.withinAddressRate("crowded", true), "one post a second again");
        assertFalse(shared.withinAddressRate("crowded", true));
        now.addAndGet(60_000_000_000L);
        shared.refusalsLeftOutBefore("purge"); // idle buckets are forgotten now: a new bucket is as full
        for (int i = 0; i < 3; i++) {
            assertTrue(shared.withinAddressRate("crowded", true), "after a minute the whole burst again");
        }
        assertFalse(shared.withinAddressRate("crowded", true));
    }

    @Test
    void anUnknownAddressIsHeldOnlyToTheTotal() {
        for (int i = 0; i < 5; i++) {
            assertTrue(cut.enter(ConnectionGate.UNKNOWN).admitted());
        }
        assertFalse(cut.enter(ConnectionGate.UNKNOWN).admitted());
    }

    @Test
    void nothingIsAdmittedOnceStopped() {
        cut.stopAccepting();
        ConnectionGate.Ticket ticket = cut.enter("a");
        assertFalse(ticket.admitted());
        assertEquals(0, cut.openConnections());
    }
}
