package dev.parley.chat.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MentionsTest {

    @Test
    void namesAfterAnAtAreMentionedCaseFolded() {
        Mentions cut = Mentions.in("@Bob and @carol_2, ask @d.e-f about it", 20);
        assertEquals(Set.of("bob", "carol_2", "d.e-f"), cut.names());
        assertFalse(cut.everyone());
        assertTrue(cut.names(Identity.accountKey("BOB")));
        assertTrue(cut.names(Identity.guestKey("bob")), "a mention is of a name: guests too");
        assertFalse(cut.names(Identity.accountKey("alice")));
    }

    @Test
    void anEmailAddressOrAnAtInsideAWordMentionsNoOne() {
        assertSame(Mentions.NONE, Mentions.in("write to bob@example.com or x@y", 20));
        assertSame(Mentions.NONE, Mentions.in("no at sign at all", 20));
        assertSame(Mentions.NONE, Mentions.in("a lone @ and @@ and @!", 20));
    }

    @Test
    void aDotThatEndsTheNameIsPunctuation() {
        assertEquals(Set.of("bob"), Mentions.in("thanks @bob.", 20).names());
        assertEquals(Set.of("bob", "carol"), Mentions.in("(@bob) @carol...", 20).names());
    }

    @Test
    void aNameLongerThan32CharactersIsNoMention() {
        String longest = "a".repeat(32);
        assertEquals(Set.of(longest), Mentions.in("@" + longest + " hi", 20).names());
        assertSame(Mentions.NONE, Mentions.in("@" + longest + "b hi", 20));
    }

    @Test
    void roomMentionsEveryoneAndIsNoName() {
        Mentions cut = Mentions.in("@Room, lunch? cc @bob", 20);
        assertTrue(cut.everyone());
        assertEquals(Set.of("bob"), cut.names());
        assertEquals(new Mentions(Set.of("bob"), false), cut.withoutEveryone());
        assertTrue(Mentions.in("@room", 20).everyone());
    }

    @Test
    void atMostTheBoundOfDistinctNamesTheFirstOnesRepeatsNotCounted() {
        String text = IntStream.range(0, 30).mapToObj(i -> "@u" + i + " @U" + i).collect(Collectors.joining(" "));
        Mentions cut = Mentions.in(text, 20);
        assertEquals(IntStream.range(0, 20).mapToObj(i -> "u" + i).collect(Collectors.toSet()), cut.names());
        assertEquals(Set.of(), Mentions.in("@bob", 0).names());
    }
}
