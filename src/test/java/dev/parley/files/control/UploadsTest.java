package dev.parley.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parley.chat.entity.FileSettings;
import dev.parley.settings.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may start an upload: a user's uploads on their way in are bounded, so one slow user holds no one else up. */
class UploadsTest {

    Uploads cut = new Uploads();

    @Test
    void aUserHasAtMostTheBoundOfUploadsOnTheirWayInOthersAreNotHeldUp() {
        cut.configure(FileSettings.from(Settings.of(Map.of("parley.files.uploads-at-once-per-user", "2"))));

        assertNull(cut.begin("a:kim"));
        assertNull(cut.begin("a:kim"));
        Uploads.Refusal third = cut.begin("a:kim");
        assertEquals(429, third.status());
        assertEquals("rate_limited", third.code().wire());
        assertNull(cut.begin("a:lou"), "another user is not held up");

        cut.end("a:kim");
        assertNull(cut.begin("a:kim"), "one ended: one more may start");
    }

    @Test
    void aRefusalForTheHourlyRateFreesItsPlace() {
        cut.configure(FileSettings.from(Settings.of(
                Map.of("parley.files.uploads-per-user-per-hour", "1", "parley.files.uploads-at-once-per-user", "1"))));

        assertNull(cut.begin("a:kim"));
        cut.end("a:kim");
        assertEquals(429, cut.begin("a:kim").status(), "the hour's one upload is used");
        cut.configure(FileSettings.from(Settings.of(Map.of("parley.files.uploads-at-once-per-user", "1"))));
        assertNull(cut.begin("a:kim"), "the refused one did not keep its place on the way in");
    }
}
