package dev.parley.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileNamesTest {

    static int utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void anOrdinaryNameStaysAsItIs() {
        assertEquals("holiday photo (2).jpg", FileNames.safe("holiday photo (2).jpg"));
        assertEquals(
                "\u00e9t\u00e9 \u65e5\u672c \ud83d\ude00.txt",
                FileNames.safe("\u00e9t\u00e9 \u65e5\u672c \ud83d\ude00.txt"));
        assertEquals("archive.tar.gz", FileNames.safe("archive.tar.gz"));
    }

    @Test
    void onlyTheLastPathSegmentIsKept() {
        assertEquals("passwd", FileNames.safe("../../etc/passwd"));
        assertEquals("a.exe", FileNames.safe("C:\\evil\\a.exe"));
        assertEquals("b.txt", FileNames.safe("a/..\\b.txt"));
        assertEquals("file", FileNames.safe("../"));
        assertEquals("file", FileNames.safe(".."));
        assertEquals("file", FileNames.safe("/"));
    }

    @Test
    void noNameIsFile() {
        assertEquals("file", FileNames.safe(null));
        assertEquals("file", FileNames.safe(""));
        assertEquals("file", FileNames.safe(" . . "));
        assertEquals("file", FileNames.safe("\u202e\u0000\n"));
    }

    @Test
    void controlAndBidiCharactersAreDropped() {
        // "invoice\u202Efdp.exe" shows as "invoiceexe.pdf": the override hides the real extension
        assertEquals("invoicefdp.exe", FileNames.safe("invoice\u202efdp.exe"));
        assertEquals("ab.txt", FileNames.safe("a\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069b.txt"));
        assertEquals("ab.txt", FileNames.safe("a\u200e\u200f\u061cb.txt"), "the direction marks too");
        assertEquals("ab.txt", FileNames.safe("a\u0000\r\n\t\u001b\u007f\u0085b.txt"));
        assertEquals("ab.txt", FileNames.safe("a\ud800b.txt"), "a lone surrogate is no character");
    }

    @Test
    void dotsAndSpacesAtTheEndsAreTrimmed() {
        assertEquals("htaccess", FileNames.safe(".htaccess"));
        assertEquals("a.txt", FileNames.safe(" ..a.txt. . "));
        assertEquals("a.exe", FileNames.safe("a.exe."), "Windows would save a.exe");
        assertEquals("a b.txt", FileNames.safe("\u00a0a b.txt\u3000"), "other spaces too");
    }

    @Test
    void charactersWindowsForbidsAreReplaced() {
        assertEquals("a_b_c_d_e_f_g.txt", FileNames.safe("a<b>c:d\"e|f?g.txt"));
        assertEquals("report.txt_secret", FileNames.safe("report.txt:secret"), "no alternate data stream");
        assertEquals("a_.txt", FileNames.safe("a*.txt"));
    }

    @Test
    void windowsReservedNamesArePrefixed() {
        assertEquals("_CON.txt", FileNames.safe("CON.txt"));
        assertEquals("_con", FileNames.safe("con"));
        assertEquals("_nul.tar.gz", FileNames.safe("nul.tar.gz"));
        assertEquals("_Com1.log", FileNames.safe("Com1.log"));
        assertEquals("_LPT9", FileNames.safe("LPT9"));
        assertEquals("_aux .txt", FileNames.safe("aux .txt"), "Windows ignores the space before the dot");
        assertEquals("CONSOLE.txt", FileNames.safe("CONSOLE.txt"));
        assertEquals("COM10.txt", FileNames.safe("COM10.txt"));
        assertEquals("my CON.txt", FileNames.safe("my CON.txt"));
    }

    @Test
    void aLongNameIsCutTo255Utf8BytesKeepingItsExtension() {
        String cut = FileNames.safe("a".repeat(300) + ".pdf");
        assertEquals("a".repeat(251) + ".pdf", cut);
        String wide = FileNames.safe("\u00e9".repeat(300) + ".jpeg");
        assertTrue(utf8Bytes(wide) <= 255, wide);
        assertEquals("\u00e9".repeat(125) + ".jpeg", wide, "a two-byte character is never split");
        String emoji = FileNames.safe("\ud83d\ude00".repeat(100) + ".png");
        assertEquals("\ud83d\ude00".repeat(62) + ".png", emoji, "nor a four-byte one");
        assertEquals("a".repeat(255), FileNames.safe("a".repeat(300)), "no extension");
        String longExtension = FileNames.safe("a." + "b".repeat(300));
        assertEquals(255, utf8Bytes(longExtension), "an extension too long to keep is cut with the rest");
        assertTrue(longExtension.startsWith("a.bbb"));
        assertEquals("a".repeat(254), FileNames.safe("a".repeat(254) + " b"), "a cut ends in no space");
    }

    @Test
    void aCutNeverLeavesADotOrSpaceBeforeTheExtension() {
        String name = FileNames.safe("a".repeat(250) + " . b.txt");
        assertTrue(utf8Bytes(name) <= 255, name);
        assertTrue(name.endsWith("a.txt"), name);
    }

    @Test
    void aDecomposedNameIsComposed() {
        // macOS sends "e" + combining acute accent; composed it is one character, as typed elsewhere
        assertEquals("\u00e9t\u00e9.txt", FileNames.safe("e\u0301te\u0301.txt"));
    }

    @Test
    void aSafeNameIsSafeAgain() {
        for (String name : new String[] {"CON.txt", "../x. ", "a\u202eb", "\u00e9".repeat(300) + ".jpeg", ""}) {
            String safe = FileNames.safe(name);
            assertEquals(safe, FileNames.safe(safe), name);
        }
    }

    /**
     * Parley serves no page, script or SVG: a name whose extension would make a saved copy one gets the extension of
     * the type it is served as, whatever the case of its own, and keeps it when cut to length.
     */
    @Test
    void anActiveExtensionGetsTheServedTypesAfterIt() {
        assertEquals("page.html.txt", FileNames.forType("page.html", "text/plain"));
        assertEquals("PAGE.HTM.txt", FileNames.forType("PAGE.HTM", "text/plain"));
        for (String active : new String[] {"xhtml", "svg", "js", "mjs", "xml", "hta", "vbs", "mhtml", "xsl"}) {
            assertEquals("a." + active + ".txt", FileNames.forType("a." + active, "text/plain"), active);
        }
        assertEquals("logo.svg.png", FileNames.forType("logo.svg", "image/png"));
        assertEquals("x.js.bin", FileNames.forType("x.js", "application/octet-stream"));
        assertEquals("notes.txt", FileNames.forType("notes.txt", "text/plain"));
        assertEquals("data.json", FileNames.forType("data.json", "text/plain"));
        assertEquals("photo.jpg", FileNames.forType("photo.jpg", "image/jpeg"));
        assertEquals("page.html.txt", FileNames.forType("page.html.txt", "text/plain"), "the same again");
        assertEquals("page.html.txt", FileNames.forType("../page.html", "text/plain"), "made safe first");
        String longName = "a".repeat(300) + ".html";
        String cut = FileNames.forType(longName, "text/plain");
        assertTrue(cut.endsWith(".txt") && utf8Bytes(cut) <= FileNames.MAX_BYTES, cut);
        assertEquals(cut, FileNames.forType(cut, "text/plain"));
    }
}
