package dev.parley.testing;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/** The Chromium browsers of one test: at most two at once on this machine, all quit when the test ends. */
public final class Browsers implements AutoCloseable {

    private final List<ChatPage> pages = new ArrayList<>();

    public ChatPage start() {
        if (pages.size() == 2) {
            throw new IllegalStateException("at most two browsers at once on this machine");
        }
        ChatPage page = ChatPage.start();
        pages.add(page);
        return page;
    }

    /** A browser that opened the chat page on the room's link at {@code base} and entered as {@code name}. */
    public ChatPage inRoom(URL base, String room, String name) {
        return start().load(page(base, "#" + room))
                .enterName(name)
                .waitConnectedAs(name)
                .waitInRoom(room);
    }

    /** A page of the deployed WAR: {@code suffix} is a path, query or fragment after the root. */
    public static URI page(URL base, String suffix) {
        return URI.create(base.toString().replaceAll("/$", "") + "/" + suffix);
    }

    @Override
    public void close() {
        pages.forEach(ChatPage::close);
        pages.clear();
    }
}
