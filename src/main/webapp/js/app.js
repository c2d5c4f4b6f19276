// The chat page: conversations (rooms and direct messages) kept in memory, drawn from that state, and a
// connection that survives drops without losing or repeating a message (say refs, history after the last seq).

import { Connection, chatUrl } from './connection.js';
import { Uploads, useLimits } from './uploads.js';
import {
    avatar, dayKey, dayLabel, daySeparator, element, lockIcon, messageItem, newMessagesSeparator, noticeItem, plainWords,
} from './render.js';

const MAX_CODE_POINTS = 4000;
const TYPING_SHOWN_MS = 5000;
const TYPING_SENT_EVERY_MS = 2000;
const CONTINUED_WITHIN_MS = 5 * 60 * 1000;
const PAGE = 50;
const NAME = /^[A-Za-z0-9_.-]{1,32}$/;
const ROOM = /^[a-z0-9][a-z0-9_-]{0,31}$/;
// Control characters the protocol refuses (all but tab and newline), after line ends became newlines
const FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

const $ = (id) => document.getElementById(id);
const view = {
    connection: $('connection'), connectionText: $('connection-text'), reconnectNow: $('reconnect-now'),
    changeName: $('change-name'), meName: $('me-name'), meAvatar: $('me-avatar'),
    logIn: $('log-in'), logOut: $('log-out'), receiptsToggle: $('receipts-toggle'), notifyAsk: $('notify-ask'),
    sidebar: $('sidebar'), showSidebar: $('show-sidebar'),
    roomList: $('room-list'), browseHeading: $('browse-heading'), browseList: $('browse-list'),
    joinForm: $('join-form'), roomName: $('room-name'), joinError: $('join-error'),
    dmList: $('dm-list'), dmForm: $('dm-form'), dmName: $('dm-name'), dmError: $('dm-error'),
    createForm: $('create-form'), createTitle: $('create-title'), createError: $('create-error'),
    inviteForm: $('invite-form'), inviteName: $('invite-name'), inviteError: $('invite-error'),
    title: $('conversation-title'), subtitle: $('conversation-subtitle'), leave: $('leave'),
    showMembers: $('show-members'), scroller: $('scroller'), loadOlder: $('load-older'), empty: $('empty'),
    messages: $('messages'), typing: $('typing'), banner: $('banner'),
    composer: $('composer'), text: $('text'), textLabel: $('text-label'), send: $('send'),
    attachments: $('attachments'), attach: $('attach'), filePicker: $('file-picker'), conversation: $('conversation'),
    members: $('members'), memberCount: $('member-count'), memberList: $('member-list'),
    nameDialog: $('name-dialog'), nameForm: $('name-form'), name: $('name'), nameError: $('name-error'),
    announcer: $('announcer'),
};

const state = {
    me: null,
    name: null,
    connection: null,
    welcomed: false,
    // welcomes so far: a retry scheduled under one connection is not sent on the next (it joins by itself)
    welcomes: 0,
    // the server keeps this user's rooms and read markers (a logged-in user: membership)
    keepsRooms: false,
    // this user sends read receipts and sees others' (membership; the server says at connect)
    receiptsOn: false,
    // the server holds private rooms and stored direct conversations for this user (conversations, logged in)
    conversationsOn: false,
    // this user may share files (files, logged in: guests see files but upload none)
    filesOn: false,
    // direct conversations (by the other's lower-cased name) and private rooms (by title) this tab asked for: their
    // `joined` brings them to the front
    opening: new Set(),
    openRooms: [],
    conversations: new Map(),
    active: null,
    typingSentAt: 0,
    countdown: null,
};

// ---- identity and storage ----------------------------------------------------------------------------------------

const store = {
    name: () => localStorage.getItem('parley.name'),
    saveName: (name) => localStorage.setItem('parley.name', name),
    resume: (name) => sessionStorage.getItem(`parley.resume.${name.toLowerCase()}`),
    saveResume: (name, token) => sessionStorage.setItem(`parley.resume.${name.toLowerCase()}`, token),
    // a logged-in page that is reloaded connects with the login's session cookie again instead of asking for a name
    loggedIn: () => localStorage.getItem('parley.logged-in') === '1',
    saveLoggedIn: (on) => (on ? localStorage.setItem('parley.logged-in', '1')
        : localStorage.removeItem('parley.logged-in')),
    rooms: () => JSON.parse(sessionStorage.getItem('parley.rooms') ?? '[]'),
    saveRooms: () => sessionStorage.setItem('parley.rooms', JSON.stringify(roomConversations()
        .filter((c) => c.wanted).map((c) => c.name))),
};

function uuid() {
    if (crypto.randomUUID) {
        return crypto.randomUUID();
    }
    // randomUUID exists only in secure contexts; a plain-http deployment still gets a random v4 UUID
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- conversations -----------------------------------------------------------------------------------------------

function roomKey(room) {
    return `#${room}`;
}

function dmKey(user) {
    return `@${user.toLowerCase()}`;
}

function conversation(kind, name) {
    const key = kind === 'room' ? roomKey(name) : dmKey(name);
    let found = state.conversations.get(key);
    if (!found) {
        found = {
            key, kind, name,
            wanted: kind === 'room',
            joined: false,
            closed: null,
            messages: new Map(),
            pending: new Map(),
            entries: [],
            notices: [],
            lastSeq: 0,
            moreBefore: false,
            loadingOlder: false,
            historyQueue: [],
            members: new Set(),
            count: 0,
            unread: 0,
            // messages that mention this user and are not read yet (counted by the server for kept rooms)
            mentions: 0,
            // membership only: the user's read marker, the last one sent, and where the "new messages" line goes
            read: 0,
            readSent: 0,
            newAfter: undefined,
            keptLast: undefined,
            // read receipts: how far each other member has read (small rooms, receipts on)
            receipts: new Map(),
            // a private room or direct conversation (conversations): 'private' or 'direct', and its title as shown
            private: undefined,
            title: undefined,
            typing: new Map(),
        };
        state.conversations.set(key, found);
    }
    return found;
}

// what the server says a room is: a private room (its title) or a direct conversation (the other user), or neither
function describe(conv, event) {
    if (event.kind === 'direct' || event.kind === 'private') {
        conv.private = event.kind;
        conv.title = event.kind === 'direct' ? event.with : event.title;
    }
}

// how a room is named to the person: #name, a private room's title, the other user of a direct conversation
function shownName(conv) {
    return conv.private === undefined ? `#${conv.name}` : conv.title;
}

function isDirect(conv) {
    return conv.kind === 'dm' || conv.private === 'direct';
}

function roomConversations() {
    return [...state.conversations.values()].filter((c) => c.kind === 'room');
}

function active() {
    return state.conversations.get(state.active) ?? null;
}

function send(command) {
    return state.connection !== null && state.connection.send(command);
}

function joinRoom(room, { focus = true } = {}) {
    const conv = conversation('room', room);
    conv.wanted = true;
    conv.closed = null;
    if (state.welcomed && !conv.joined) {
        send({ type: 'join', room });
    } else if (!state.welcomed) {
        conv.joinAsked = true; // sent once the connection is back (kept rooms do not list it yet)
    }
    store.saveRooms();
    if (focus) {
        activate(conv.key);
    }
    drawSidebar();
}

// a logged-in user talks to another account in a stored conversation, to a guest in live whispers (the server says
// which with user_unknown, which falls back to whispers)
function openDirect(user) {
    const lower = user.toLowerCase();
    const stored = roomConversations().find((c) => c.private === 'direct' && c.title?.toLowerCase() === lower);
    if (stored) {
        activate(stored.key);
        return;
    }
    if (state.conversationsOn && send({ type: 'direct', to: user })) {
        state.opening.add(`direct:${lower}`);
        return;
    }
    openWhispers(user);
}

function openWhispers(user) {
    const existing = [...state.conversations.values()].find((c) => c.kind === 'dm' && c.key === dmKey(user));
    activate((existing ?? conversation('dm', user)).key);
}

function activate(key) {
    state.active = key;
    const conv = active();
    if (conv) {
        conv.unread = 0;
        conv.mentions = 0;
        if (state.keepsRooms && conv.kind === 'room') {
            conv.newAfter = conv.read; // before the marker moves: the line shows what arrived since the last visit
        }
        if (conv.kind === 'room' && conv.private === undefined) {
            history.replaceState(null, '', `${location.pathname}${location.search}#${conv.name}`);
        }
    }
    closeDrawers();
    drawAll({ stick: true });
    view.text.focus({ preventScroll: true });
}

// the server's rule (protocol.md, Mentions): @ and a name not after a name character, dots that end it punctuation
function mentionsMe(text) {
    if (state.me === null || typeof text !== 'string') {
        return false;
    }
    const me = state.me.toLowerCase();
    for (const match of text.matchAll(/(^|[^A-Za-z0-9_.-])@([A-Za-z0-9_.-]+)/g)) {
        const name = match[2].replace(/\.+$/, '').toLowerCase();
        if (name.length <= 32 && (name === me || name === 'room')) {
            return true;
        }
    }
    return false;
}

function notificationsAllowed() {
    return 'Notification' in window && Notification.permission === 'granted';
}

// a desktop notification only while the tab is hidden: in front of the person the badge and the highlight say it
function notifyMention(conv, event) {
    if (!document.hidden || !notificationsAllowed()) {
        return;
    }
    const message = conv.messages.get(event.seq);
    const notification = new Notification(`${event.from} mentioned you in ${shownName(conv)}`, {
        body: message?.text ?? '',
        tag: `parley-mention-${event.room}-${event.seq}`,
    });
    notification.addEventListener('click', () => {
        window.focus();
        activate(conv.key);
    });
}

function addNotice(conv, text, kind = 'notice') {
    conv.notices.push({ afterSeq: conv.lastSeq, afterEntry: conv.entries.length, text, kind });
}

// ---- the connection ----------------------------------------------------------------------------------------------

function connect(name) {
    if (state.connection !== null) {
        state.connection.stop();
    }
    if (state.name !== null && state.name.toLowerCase() !== name.toLowerCase()) {
        for (const conv of [...state.conversations.values()]) {
            if (conv.kind === 'dm') {
                state.conversations.delete(conv.key);
            } else {
                conv.messages.clear();
                conv.pending.clear();
                conv.notices = [];
                conv.lastSeq = 0;
            }
        }
    }
    for (const conv of state.conversations.values()) {
        conv.joined = false; // until the new connection's joined, a say waits as pending
        conv.historyQueue = [];
    }
    state.name = name;
    state.welcomed = false;
    store.saveName(name);
    view.name.value = name;
    state.connection = new Connection({
        url: () => chatUrl(location, state.name, store.resume(state.name)),
        onEvent: received,
        onFrameEnd: frameEnded,
        onState: connectionChanged,
    });
    state.connection.open();
}

function connectionChanged(change) {
    clearInterval(state.countdown);
    state.countdown = null;
    view.reconnectNow.hidden = true;
    // 4001: this server admits only logged-in users (parley.guests=false)
    view.logIn.hidden = !(change.state === 'stopped' && change.code === 4001);
    if (change.state === 'stopped' && change.code === 4001) {
        store.saveLoggedIn(false); // the login ended: a reload asks for a name again
    }
    if (change.state !== 'connecting') {
        state.welcomed = false;
        for (const conv of state.conversations.values()) {
            conv.joined = false;
            conv.joinRetrying = false;
            conv.historyQueue = [];
            conv.loadingOlder = false;
            conv.typing.clear();
        }
    }
    if (change.state === 'connecting') {
        showConnection('connecting', change.attempt > 0 ? 'Reconnecting…' : 'Connecting…');
    } else if (change.state === 'waiting') {
        const tick = () => {
            const seconds = Math.max(1, Math.ceil((change.until - Date.now()) / 1000));
            showConnection('waiting', `Connection lost. Reconnecting in ${seconds} s`);
        };
        tick();
        state.countdown = setInterval(tick, 1000);
        view.reconnectNow.hidden = false;
    } else if (change.state === 'stopped') {
        showConnection('stopped', change.reason);
        if (change.code === 4002 || change.code === 4003) {
            askName(change.reason);
        }
    }
    failUndeliveredWhispers('Not delivered: the connection was lost.');
    drawAll();
}

function showConnection(kind, text) {
    view.connection.dataset.state = kind;
    view.connectionText.textContent = text;
}

// The events of one frame (an array of hundreds under load) are drawn once, after the last: drawing after each would
// rebuild the conversation once per message, and a page catching up on a big backlog would freeze for seconds.
const frameDraw = { inFrame: false, scroll: null };

function received(event) {
    frameDraw.inFrame = true;
    const handler = HANDLERS[event.type];
    if (handler) {
        handler(event);
    }
}

function frameEnded() {
    const scroll = frameDraw.scroll;
    frameDraw.inFrame = false;
    frameDraw.scroll = null;
    if (scroll !== null) {
        drawAll(scroll);
    }
}

const HANDLERS = {
    welcome(event) {
        state.me = event.user;
        state.welcomed = true;
        state.welcomes += 1;
        for (const conv of state.conversations.values()) {
            conv.joinTries = 0;
        }
        if (event.resume) {
            store.saveResume(event.user, event.resume);
        } else {
            // no resume token: the server's realm logged this user in, and its name is the principal's
            state.name = event.user;
        }
        view.logOut.hidden = Boolean(event.resume);
        view.logIn.hidden = true;
        state.keepsRooms = !event.resume && (event.features ?? []).includes('membership');
        state.conversationsOn = state.keepsRooms && (event.features ?? []).includes('conversations');
        view.receiptsToggle.hidden = !state.keepsRooms;
        view.createForm.hidden = !state.conversationsOn;
        state.filesOn = !event.resume && (event.features ?? []).includes('files');
        useLimits(event.files);
        view.attach.hidden = !state.filesOn;
        store.saveLoggedIn(!event.resume);
        state.openRooms = event.rooms ?? [];
        view.meName.textContent = event.user;
        view.meAvatar.textContent = event.user.slice(0, 1).toUpperCase();
        view.changeName.hidden = false;
        showConnection('open', `Connected as ${event.user}`);
        hideNameDialog();
        if (state.keepsRooms) {
            drawAll(); // the rooms come with `kept`
            return;
        }
        let rooms = roomConversations().filter((c) => c.wanted);
        if (rooms.length === 0) {
            const first = fromHash() ?? 'general';
            for (const room of new Set([...store.rooms(), first])) {
                conversation('room', room);
            }
            activate(roomKey(first));
            rooms = roomConversations().filter((c) => c.wanted);
        }
        for (const conv of rooms) {
            send({ type: 'join', room: conv.name });
        }
        drawAll();
    },

    // a logged-in user's rooms as the server keeps them (membership): they are the rooms of every device; the server
    // joins this connection to each, and the page joins what it asked for meanwhile (or general, the first time)
    kept(event) {
        const kept = new Set();
        for (const room of event.rooms) {
            const conv = conversation('room', room.room);
            describe(conv, room);
            conv.wanted = true;
            conv.read = room.read;
            conv.readSent = Math.max(conv.readSent, room.read);
            conv.keptLast = room.last;
            conv.unread = room.unread;
            conv.mentions = room.mentions ?? 0;
            conv.newAfter ??= room.read;
            kept.add(conv.key);
        }
        const linked = fromHash();
        for (const conv of roomConversations()) {
            const stays = kept.has(conv.key) || conv.joinAsked || conv.pending.size > 0 || conv.name === linked;
            if (!stays) {
                state.conversations.delete(conv.key); // left on another device while this one was away
            }
        }
        const toJoin = roomConversations().filter((c) => !kept.has(c.key));
        const publicRoom = (c) => c.private === undefined;
        if (!roomConversations().some(publicRoom)) {
            // the first time, or only conversations kept: a room to land in beside them
            toJoin.push(conversation('room', linked ?? 'general'));
        }
        for (const conv of toJoin) {
            conv.wanted = true;
            conv.joinAsked = false;
            send({ type: 'join', room: conv.name });
        }
        if (!active()) {
            const first = linked ?? roomConversations().find(publicRoom)?.name ?? 'general';
            activate(roomKey(first));
        }
        store.saveRooms();
        drawAll();
    },

    // whether this user sends and sees read receipts (no room), or how far the room's other members have read
    receipts(event) {
        if (event.room === undefined) {
            state.receiptsOn = event.on;
            if (!event.on) {
                roomConversations().forEach((c) => c.receipts.clear());
            }
        } else {
            const conv = state.conversations.get(roomKey(event.room));
            if (conv) {
                conv.receipts = new Map(Object.entries(event.read ?? {}));
            }
        }
        drawAll();
    },

    receipt(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (conv && state.receiptsOn) {
            conv.receipts.set(event.user, Math.max(conv.receipts.get(event.user) ?? 0, event.seq));
            drawAll();
        }
    },

    // the user's read marker moved, here or on another device: the server counts what is still unread
    read(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (!conv) {
            return;
        }
        conv.read = Math.max(conv.read, event.seq);
        conv.readSent = Math.max(conv.readSent, event.seq);
        const looking = conv.key === state.active && !document.hidden;
        conv.unread = looking ? 0 : event.unread;
        conv.mentions = looking ? 0 : event.mentions ?? 0;
        drawAll();
    },

    joined(event) {
        const conv = conversation('room', event.room);
        describe(conv, event);
        // a conversation this tab asked for comes to the front once joined
        const openedHere = event.kind !== undefined && state.opening.delete(event.kind === 'direct'
            ? `direct:${event.with.toLowerCase()}` : `private:${event.title}`);
        const missedFrom = conv.lastSeq;
        conv.joined = true;
        conv.joinTries = 0;
        conv.joinRetrying = false;
        conv.wanted = true;
        conv.members = new Set(event.members);
        conv.count = event.count;
        const history = event.history ?? [];
        if (missedFrom === 0) {
            conv.moreBefore = history.length > 0 && history[0].seq > 1;
        }
        history.forEach((message) => remember(conv, message));
        if (conv.keptLast !== undefined) {
            // kept counted up to its last seq; what others posted between that and this join came in the history
            const missed = history.filter((m) => m.seq > conv.keptLast && m.from !== state.me && !m.deleted);
            conv.unread += missed.length;
            conv.mentions += missed.filter((m) => mentionsMe(m.text)).length;
            conv.keptLast = undefined;
        }
        if (missedFrom > 0 && event.last > missedFrom) {
            // reconnected: fetch everything after the last message seen, page by page (seq dedupes the overlap)
            requestHistory(conv, 'after', missedFrom);
        }
        for (const [ref, pending] of conv.pending) {
            if (pending.state === 'pending') {
                send(sayCommand(conv, pending, ref));
            }
        }
        if (!state.openRooms.includes(event.room)) {
            state.openRooms.push(event.room);
        }
        view.joinError.textContent = '';
        store.saveRooms();
        if (openedHere) {
            activate(conv.key);
        } else {
            drawAll({ stick: conv.key === state.active });
        }
    },

    // someone was added to a private room or direct conversation: this user (join it) or another member (say so)
    invited(event) {
        const conv = conversation('room', event.room);
        describe(conv, event);
        if (event.user.toLowerCase() === state.me?.toLowerCase()) {
            conv.wanted = true;
            if (!conv.joined) {
                send({ type: 'join', room: event.room });
            }
            if (event.by !== state.me) {
                announce(event.kind === 'direct' ? `${event.by} wrote to you`
                    : `${event.by} invited you to ${event.title}`);
            }
        } else {
            addNotice(conv, `${event.by} invited ${event.user}.`);
        }
        drawAll();
    },

    left(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (!conv) {
            return;
        }
        conv.joined = false;
        conv.members.clear();
        if (event.reason === 'left_elsewhere') {
            conv.wanted = false; // the user left it on another device: it goes here too
        }
        if (event.reason === 'kicked' || event.reason === 'room_closed') {
            conv.closed = event.reason;
            conv.wanted = false;
            const why = event.reason === 'kicked' ? 'You were removed from this room.' : 'This room was closed.';
            addNotice(conv, event.text ? `${why} ${event.text}` : why, 'warning');
        } else if (!conv.wanted) {
            state.conversations.delete(conv.key);
            if (state.active === conv.key) {
                const next = roomConversations().find((c) => c.wanted) ?? null;
                state.active = next?.key ?? null;
            }
        }
        store.saveRooms();
        drawAll();
    },

    presence(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (!conv) {
            return;
        }
        for (const user of event.joined ?? []) {
            if (!conv.members.has(user)) {
                conv.members.add(user);
                conv.count += 1;
            }
        }
        for (const user of event.left ?? []) {
            conv.members.delete(user);
            conv.typing.delete(user);
            conv.count = Math.max(conv.members.size, conv.count - 1);
        }
        drawAll();
    },

    message(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (!conv) {
            return;
        }
        const fresh = remember(conv, event);
        conv.typing.delete(event.from);
        if (fresh && event.from !== state.me) {
            if (conv.key !== state.active || document.hidden) {
                conv.unread += 1;
            }
            announce(`${event.from} in ${shownName(conv)}: ${event.text}`);
        }
        drawAll();
    },

    // a message of a room this user is in mentions the user (it came just before): a badge, and a notification
    // while the tab is hidden if the user allowed them
    mention(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (!conv) {
            return;
        }
        if (conv.key !== state.active || document.hidden) {
            conv.mentions += 1;
        }
        notifyMention(conv, event);
        drawAll();
    },

    history(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (!conv) {
            return;
        }
        const asked = conv.historyQueue.shift();
        event.messages.forEach((message) => remember(conv, message));
        if (asked?.direction === 'before') {
            conv.moreBefore = event.more;
            conv.loadingOlder = false;
            drawAll({ keepFromBottom: true });
        } else {
            if (event.more && event.messages.length > 0) {
                requestHistory(conv, 'after', event.messages[event.messages.length - 1].seq);
            }
            drawAll();
        }
    },

    whisper(event) {
        const other = event.from === state.me ? event.to : event.from;
        const conv = conversation('dm', other);
        const mine = event.ref ? conv.entries.find((entry) => entry.ref === event.ref) : undefined;
        if (mine) {
            mine.state = 'sent';
            mine.at = new Date(event.at);
        } else {
            conv.entries.push({ from: event.from, text: event.text, at: new Date(event.at), state: 'sent' });
            if (event.from !== state.me) {
                if (conv.key !== state.active || document.hidden) {
                    conv.unread += 1;
                }
                announce(`${event.from}, directly: ${event.text}`);
            }
        }
        drawAll();
    },

    typing(event) {
        const conv = state.conversations.get(roomKey(event.room));
        if (!conv || event.user === state.me) {
            return;
        }
        const expires = Date.now() + TYPING_SHOWN_MS;
        conv.typing.set(event.user, expires);
        setTimeout(() => {
            if (conv.typing.get(event.user) === expires) {
                conv.typing.delete(event.user);
                drawTyping();
            }
        }, TYPING_SHOWN_MS);
        drawTyping();
    },

    // an operator deleted a message (Parley's extension of protocol v1): keep its place, drop its text
    deleted(event) {
        const conv = state.conversations.get(roomKey(event.room));
        const message = conv?.messages.get(event.seq);
        if (message) {
            message.text = '';
            message.deleted = true;
            drawAll();
        }
    },

    notice(event) {
        const targets = event.room ? [state.conversations.get(roomKey(event.room))].filter(Boolean)
            : roomConversations();
        targets.forEach((conv) => addNotice(conv, `Announcement: ${event.text}`, 'announcement'));
        drawAll();
    },

    error(event) {
        const words = plainWords(event);
        if (['name_invalid', 'name_taken', 'banned', 'origin_refused', 'unauthorized'].includes(event.code)) {
            return; // the close code that follows says it (connectionChanged)
        }
        if (event.for === 'say' && event.ref && RESENT_CODES.includes(event.code) && resendLater(event.ref)) {
            return;
        }
        if (event.for === 'say' && event.ref && !RESENT_CODES.includes(event.code) && filesBack(event, words)) {
            drawAll();
            return;
        }
        if (event.ref && failPending(event.ref, words)) {
            drawAll();
            return;
        }
        if (event.for === 'history' && historyRefused(event)) {
            return;
        }
        if (event.for === 'direct') {
            state.opening.delete(`direct:${(event.to ?? '').toLowerCase()}`);
            if (event.code === 'user_unknown' && event.to) {
                openWhispers(event.to); // not an account: a guest, talked to live
            } else {
                view.dmError.textContent = words;
            }
            return;
        }
        if (event.for === 'create' || event.for === 'invite') {
            // the server's own words: "there is no user …" is not the whisper's "not online"
            (event.for === 'create' ? view.createError : view.inviteError).textContent = event.message ?? words;
            return;
        }
        if (event.for === 'join' && joinRefusedForNow(event)) {
            return;
        }
        if (event.for === 'join') {
            const conv = state.conversations.get(roomKey(event.room ?? ''));
            if (conv && !conv.joined && conv.lastSeq === 0 && conv.messages.size === 0) {
                state.conversations.delete(conv.key);
                if (state.active === conv.key) {
                    state.active = roomConversations().find((c) => c.joined)?.key ?? null;
                }
                store.saveRooms();
            }
            view.joinError.textContent = words;
            drawAll();
            return;
        }
        const conv = event.room ? state.conversations.get(roomKey(event.room))
            : event.to ? state.conversations.get(dmKey(event.to)) : active();
        if (conv) {
            addNotice(conv, words, 'error');
            drawAll();
        } else {
            showBanner(words);
        }
    },
};

/** Stores a room message once per seq; its ref settles the pending copy. Returns whether it was new. */
function remember(conv, message) {
    if (message.ref) {
        conv.pending.delete(message.ref);
    }
    if (conv.messages.has(message.seq)) {
        if (message.deleted) {
            Object.assign(conv.messages.get(message.seq), { text: '', deleted: true });
        }
        return false;
    }
    conv.messages.set(message.seq, { ...message, at: new Date(message.at) });
    conv.lastSeq = Math.max(conv.lastSeq, message.seq);
    return true;
}

// a page may hold fewer messages than asked for (the server keeps each reply under its size bound): `more` says
// whether to go on, and the catch-up after a reconnect goes on from the last seq it got
function requestHistory(conv, direction, seq, tries = 0) {
    if (send({ type: 'history', room: conv.name, [direction]: seq, limit: direction === 'after' ? 200 : PAGE })) {
        conv.historyQueue.push({ direction, seq, tries });
        return true;
    }
    return false;
}

// a catch-up page refused for now (the server is busy, or could not read it in time) is asked again after a
// backoff, as long as the connection that asked is still the one open (a new one resets the queue and catches up
// by itself); an older page is not: the person scrolls up again. Returns whether the refusal was handled quietly.
function historyRefused(event) {
    const conv = state.conversations.get(roomKey(event.room ?? ''));
    const asked = conv?.historyQueue.shift();
    if (!asked) {
        return false;
    }
    if (asked.direction === 'before') {
        conv.loadingOlder = false;
        return false;
    }
    if (!RESENT_CODES.includes(event.code) || asked.tries >= RESENDS) {
        return false;
    }
    const queue = conv.historyQueue;
    const backoff = Math.min(8000, 250 * 2 ** (asked.tries + 1)) * (0.75 + Math.random() / 2);
    setTimeout(() => {
        if (conv.historyQueue === queue && conv.joined) {
            requestHistory(conv, 'after', asked.seq, asked.tries + 1);
        }
    }, backoff);
    return true;
}

// a join refused for now (the address was sent its budget of room snapshots, many users behind one address
// reconnecting into busy rooms; or the room could not be opened) is sent again after a growing backoff with jitter,
// as long as the connection that asked is still the one open and the room is still wanted; after JOIN_RETRIES it is
// shown as any refused join. Returns whether the refusal was handled quietly.
const JOIN_RETRIES = 8;

function joinRefusedForNow(event) {
    const conv = state.conversations.get(roomKey(event.room ?? ''));
    if (!conv || conv.joined || !conv.wanted || conv.closed !== null || !RESENT_CODES.includes(event.code)) {
        return false;
    }
    conv.joinTries = (conv.joinTries ?? 0) + 1;
    if (conv.joinTries > JOIN_RETRIES) {
        conv.joinTries = 0;
        conv.joinRetrying = false;
        return false;
    }
    const welcomes = state.welcomes;
    const backoff = Math.min(16000, 500 * 2 ** (conv.joinTries - 1)) * (0.75 + Math.random() / 2);
    conv.joinRetrying = true;
    setTimeout(() => {
        const still = state.welcomes === welcomes && state.welcomed && state.conversations.get(conv.key) === conv;
        if (still && conv.wanted && !conv.joined && conv.closed === null) {
            send({ type: 'join', room: conv.name });
        }
    }, backoff);
    drawAll();
    return true;
}

function loadOlder() {
    const conv = active();
    if (!conv || conv.kind !== 'room' || !conv.joined || !conv.moreBefore || conv.loadingOlder) {
        return;
    }
    const oldest = Math.min(...conv.messages.keys());
    conv.loadingOlder = requestHistory(conv, 'before', oldest);
}

// a say refused for now (the server is busy, or did not store it in time) is sent again with the same ref: the
// server stores it at most once, and refuses this tab's later posts to the room until this one is back
const RESENT_CODES = ['rate_limited', 'internal'];
const RESENDS = 6;

function resendLater(ref) {
    for (const conv of state.conversations.values()) {
        const pending = conv.pending.get(ref);
        if (pending) {
            pending.resends = (pending.resends ?? 0) + 1;
            if (pending.resends > RESENDS) {
                return false;
            }
            const backoff = Math.min(8000, 250 * 2 ** pending.resends) * (0.75 + Math.random() / 2);
            setTimeout(() => {
                if (conv.pending.get(ref) === pending && pending.state === 'pending' && conv.joined) {
                    send(sayCommand(conv, pending, ref));
                }
            }, backoff);
            return true;
        }
    }
    return false;
}

/**
 * A refused say with files: its files go back to its room's tray, and its text to the composer when that room is
 * shown and nothing is being typed (else it stays, failed, with its Retry for the text), so that nothing picked is
 * lost. Not after the resends of rate_limited or internal: such a say may have been stored, and its ref's Retry is
 * the one way to send it that cannot store it twice.
 */
function filesBack(event, words) {
    for (const conv of state.conversations.values()) {
        const pending = conv.pending.get(event.ref);
        if (!pending || !(pending.items?.length > 0)) {
            continue;
        }
        // bad_request: the server will not take these uploads again (carried, or gone); anything else, it will
        const again = event.code === 'bad_request';
        trayOf(conv).restore(pending.items, again);
        const why = again ? 'Its files could not go with it, so they are uploaded again.' : words;
        pending.files = [];
        pending.items = [];
        const composerFree = state.active === conv.key && view.text.value.trim() === '';
        if (pending.text.trim() === '' || composerFree) {
            conv.pending.delete(event.ref);
            view.text.value = composerFree ? pending.text : view.text.value;
            fitComposer();
            addNotice(conv, `Not sent: ${why} It is back in the composer to send again.`, 'error');
        } else {
            pending.state = 'failed';
            pending.note = `${why} Its files are back in the tray; Retry sends the text alone.`;
        }
        return true;
    }
    return false;
}

function failPending(ref, words) {
    for (const conv of state.conversations.values()) {
        const pending = conv.pending.get(ref);
        if (pending) {
            pending.state = 'failed';
            pending.note = words;
            return true;
        }
        const entry = conv.entries.find((e) => e.ref === ref && e.state !== 'sent');
        if (entry) {
            entry.state = 'failed';
            entry.note = words;
            return true;
        }
    }
    return false;
}

function failUndeliveredWhispers(words) {
    for (const conv of state.conversations.values()) {
        conv.entries.filter((e) => e.state === 'pending').forEach((e) => {
            e.state = 'failed';
            e.note = words;
        });
    }
}

// ---- sending -----------------------------------------------------------------------------------------------------

/** What the server accepts: newline line ends (it refuses \r) and no other control characters. */
function normalised(text) {
    return text.replace(/\r\n?/g, '\n').replace(FORBIDDEN, '').replace(/^\n+|\s+$/g, '');
}

function submit() {
    const conv = active();
    if (!conv || conv.closed) {
        return;
    }
    const text = normalised(view.text.value);
    const uploads = trayOf(conv);
    if (uploads.busy()) {
        showBanner('Your files are still uploading: send when they are done.');
        return;
    }
    if (uploads.failed()) {
        showBanner('Some files could not be uploaded: remove them (×) before sending.');
        return;
    }
    const items = uploads.ready();
    const files = items.map((item) => item.described);
    if (text.trim() === '' && files.length === 0) {
        return;
    }
    const length = [...text].length;
    if (length > MAX_CODE_POINTS) {
        showBanner(`That message is ${length.toLocaleString()} characters long; the limit is ${MAX_CODE_POINTS.toLocaleString()}.`);
        return;
    }
    hideBanner();
    const ref = uuid();
    if (conv.kind === 'room') {
        // the items too: a refusal puts them back in the tray (filesBack)
        const pending = { text, files, items, at: new Date(), state: 'pending' };
        conv.pending.set(ref, pending);
        uploads.clear();
        if (conv.joined) {
            send(sayCommand(conv, pending, ref)); // else sent once the room is joined again
        }
    } else {
        const entry = { from: state.me ?? state.name, text, at: new Date(), ref, state: 'pending' };
        conv.entries.push(entry);
        if (!state.welcomed || !send({ type: 'whisper', to: conv.name, text, ref })) {
            entry.state = 'failed';
            entry.note = 'Not sent: you are offline. Direct messages are delivered live only.';
        }
    }
    view.text.value = '';
    fitComposer();
    drawAll({ stick: true });
}

/** A post's {@code say}, first sent or sent again: the same ref, text and files, so it is stored once. */
function sayCommand(conv, pending, ref) {
    const command = { type: 'say', room: conv.name, text: pending.text, ref };
    if (pending.files?.length > 0) {
        command.files = pending.files.map((file) => file.id);
    }
    return command;
}

function retry(ref) {
    const conv = active();
    const pending = conv?.pending.get(ref);
    if (pending) {
        pending.state = 'pending';
        pending.resends = 0;
        if (conv.joined) {
            send(sayCommand(conv, pending, ref));
        }
    }
    const entry = conv?.entries.find((e) => e.ref === ref);
    if (entry) {
        entry.state = 'pending';
        if (!send({ type: 'whisper', to: conv.name, text: entry.text, ref })) {
            entry.state = 'failed';
            entry.note = 'Not sent: you are offline.';
        }
    }
    drawAll({ stick: true });
}

function typed() {
    fitComposer();
    const conv = active();
    const now = Date.now();
    if (conv?.kind === 'room' && conv.joined && view.text.value !== '' && now - state.typingSentAt > TYPING_SENT_EVERY_MS) {
        state.typingSentAt = now;
        send({ type: 'typing', room: conv.name });
    }
}

function fitComposer() {
    view.text.rows = Math.min(8, Math.max(1, view.text.value.split('\n').length));
}

// ---- drawing -----------------------------------------------------------------------------------------------------

function drawAll(scroll = {}) {
    if (frameDraw.inFrame) {
        const asked = frameDraw.scroll ?? {};
        frameDraw.scroll = {
            stick: Boolean(asked.stick || scroll.stick),
            keepFromBottom: Boolean(asked.keepFromBottom || scroll.keepFromBottom),
        };
        return;
    }
    markRead(active());
    view.receiptsToggle.textContent = state.receiptsOn ? 'Read receipts on' : 'Read receipts off';
    view.receiptsToggle.setAttribute('aria-pressed', String(state.receiptsOn));
    view.notifyAsk.hidden = !('Notification' in window) || Notification.permission !== 'default';
    drawSidebar();
    drawConversation(scroll);
    drawMembers();
    drawTyping();
    drawTray();
    const unread = [...state.conversations.values()].reduce((sum, c) => sum + c.unread, 0);
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
}

// the room in front of the person is read up to its last message: the server keeps the marker for every device
function markRead(conv) {
    if (!state.keepsRooms || conv === null || conv.kind !== 'room' || !conv.joined || document.hidden) {
        return;
    }
    conv.unread = 0;
    conv.mentions = 0;
    if (conv.lastSeq > conv.readSent && send({ type: 'read', room: conv.name, seq: conv.lastSeq })) {
        conv.readSent = conv.lastSeq;
    }
}

function conversationLink(conv) {
    const item = element('li');
    const button = element('button', 'conversation-link');
    button.type = 'button';
    button.dataset.key = conv.key;
    if (conv.private === 'direct') {
        button.dataset.room = conv.name;
        button.dataset.title = conv.title;
        button.append(avatar(conv.title), element('span', 'label', conv.title));
    } else if (conv.private === 'private') {
        button.dataset.room = conv.name;
        button.dataset.title = conv.title;
        const sigil = element('span', 'sigil');
        sigil.append(lockIcon('private'));
        button.append(sigil, element('span', 'label', conv.title));
    } else if (conv.kind === 'room') {
        button.dataset.room = conv.name;
        button.append(element('span', 'sigil', '#'), element('span', 'label', conv.name));
    } else {
        button.dataset.user = conv.name;
        button.append(avatar(conv.name), element('span', 'label', conv.name));
    }
    if (conv.key === state.active) {
        button.setAttribute('aria-current', 'page');
    }
    if (conv.closed) {
        button.classList.add('closed');
    }
    if (conv.mentions > 0) {
        const badge = element('span', 'mentions', `@${conv.mentions}`);
        badge.setAttribute('aria-label', `${conv.mentions} ${conv.mentions === 1 ? 'mention' : 'mentions'}`);
        button.append(badge);
    }
    if (conv.unread > 0) {
        const badge = element('span', 'unread', String(conv.unread));
        badge.setAttribute('aria-label', `${conv.unread} unread`);
        button.append(badge);
    }
    item.append(button);
    return item;
}

function drawSidebar() {
    const rooms = roomConversations().filter((c) => !isDirect(c));
    view.roomList.replaceChildren(...rooms.map(conversationLink));
    view.dmList.replaceChildren(...[...state.conversations.values()].filter(isDirect).map(conversationLink));
    const open = state.openRooms.filter((room) => !state.conversations.has(roomKey(room))).sort();
    view.browseHeading.hidden = open.length === 0;
    view.browseList.replaceChildren(...open.slice(0, 50).map((room) => {
        const item = element('li');
        const button = element('button', 'browse-link', `# ${room}`);
        button.type = 'button';
        button.dataset.join = room;
        button.setAttribute('aria-label', `Join ${room}`);
        item.append(button);
        return item;
    }));
}

function drawConversation({ stick = false, keepFromBottom = false } = {}) {
    const conv = active();
    const scroller = view.scroller;
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;

    view.composer.hidden = conv === null;
    view.text.disabled = conv === null || conv.closed !== null;
    view.send.disabled = view.text.disabled;
    view.leave.hidden = conv === null;
    view.showMembers.hidden = conv === null || conv.kind !== 'room';
    view.empty.hidden = conv !== null;
    if (conv === null) {
        view.title.textContent = 'Welcome';
        view.subtitle.textContent = '';
        view.messages.replaceChildren();
        view.loadOlder.hidden = true;
        return;
    }
    if (conv.private !== undefined) {
        view.title.replaceChildren(...(conv.private === 'direct' ? [] : [lockIcon(), ' ']), conv.title);
        view.subtitle.textContent = conv.closed ? 'You are no longer in this conversation'
            : !conv.joined ? 'Joining…'
                : conv.private === 'direct' ? 'Direct conversation: kept for both of you, also while one is away'
                    : `Private room, ${conv.count} ${conv.count === 1 ? 'member' : 'members'} here: only invited people see it`;
        view.leave.textContent = 'Leave';
        view.text.placeholder = `Message ${conv.title}`;
        view.textLabel.textContent = `Message to ${conv.title}`;
    } else if (conv.kind === 'room') {
        view.title.textContent = `# ${conv.name}`;
        view.subtitle.textContent = conv.closed ? 'You are no longer in this room'
            : conv.joined ? `${conv.count} ${conv.count === 1 ? 'member' : 'members'}`
                : conv.joinRetrying ? 'Joining again shortly: the server is busy…' : 'Joining…';
        view.leave.textContent = 'Leave';
        view.text.placeholder = `Message #${conv.name}`;
        view.textLabel.textContent = `Message to room ${conv.name}`;
    } else {
        view.title.textContent = conv.name;
        view.subtitle.textContent = 'Direct messages, delivered live while you are both online';
        view.leave.textContent = 'Close';
        view.text.placeholder = `Message ${conv.name}`;
        view.textLabel.textContent = `Direct message to ${conv.name}`;
    }
    view.loadOlder.hidden = !(conv.kind === 'room' && conv.moreBefore);
    view.loadOlder.disabled = conv.loadingOlder;
    view.loadOlder.textContent = conv.loadingOlder ? 'Loading…' : 'Load older messages';

    keepChildren(view.messages, conversationItems(conv));
    if (stick || atBottom) {
        scroller.scrollTop = scroller.scrollHeight;
    } else if (keepFromBottom) {
        scroller.scrollTop = scroller.scrollHeight - fromBottom;
    }
}

const NO_FILES = Object.freeze([]);

// The list is drawn again after every frame of events. A node taken out and put back is laid out again, and a page
// catching up on a backlog of long messages, one frame each, spent its time re-laying out every message it already
// showed: it stopped reading its socket, missed the server's pings and was closed (4010). So an item whose inputs did
// not change keeps its node, and only what changed is put in or taken out.
const drawnNodes = new WeakMap();

/** The node {@code draw} made for {@code owner}'s {@code slot} from the same {@code inputs} (compared one by one). */
function kept(owner, slot, inputs, draw) {
    let slots = drawnNodes.get(owner);
    if (slots === undefined) {
        slots = new Map();
        drawnNodes.set(owner, slots);
    }
    const before = slots.get(slot);
    const keys = Object.keys(inputs);
    if (before !== undefined && keys.length === Object.keys(before.inputs).length
        && keys.every((key) => before.inputs[key] === inputs[key])) {
        return before.node;
    }
    const node = draw();
    slots.set(slot, { inputs, node });
    return node;
}

/** Makes {@code items} the children of {@code parent}, leaving in place every node that stays. */
function keepChildren(parent, items) {
    const wanted = new Set(items);
    for (const child of [...parent.children]) {
        if (!wanted.has(child)) {
            child.remove();
        }
    }
    items.forEach((item, index) => {
        const there = parent.children[index];
        if (there !== item) {
            parent.insertBefore(item, there ?? null);
        }
    });
}

function conversationItems(conv) {
    const items = [];
    let previous = null;
    const push = (message, extra) => {
        const date = message.at;
        if (previous === null || dayKey(previous.at) !== dayKey(date)) {
            items.push(kept(message, 'day', { label: dayLabel(date) }, () => daySeparator(date)));
            previous = null;
        }
        const continued = previous !== null && previous.from === message.from
            && previous.guest === message.guest && date - previous.at < CONTINUED_WITHIN_MS;
        const shown = {
            from: message.from, text: message.text, at: date, seq: message.seq, ref: message.ref,
            deleted: message.deleted === true, guest: message.guest === true, files: message.files ?? NO_FILES,
            mention: message.from !== state.me && message.deleted !== true && mentionsMe(message.text),
            own: message.from === state.me, continued, state: extra.state ?? 'sent', note: extra.note,
        };
        // a pending or failed item gets a Retry button appended below: drawn afresh each time
        items.push(shown.state === 'sent' ? kept(message, 'item', shown, () => messageItem(shown)) : messageItem(shown));
        previous = message;
    };
    const noticesAfter = (test) => conv.notices.filter(test).forEach((n) => {
        items.push(kept(n, 'item', {}, () => noticeItem(n.text, n.kind)));
        previous = null;
    });
    if (conv.kind === 'room') {
        const notices = [...conv.notices].sort((x, y) => x.afterSeq - y.afterSeq);
        const noticesBefore = (seq) => {
            while (notices.length > 0 && notices[0].afterSeq < seq) {
                const notice = notices.shift();
                items.push(kept(notice, 'item', {}, () => noticeItem(notice.text, notice.kind)));
                previous = null;
            }
        };
        let newLineDrawn = conv.newAfter === undefined;
        for (const seq of [...conv.messages.keys()].sort((x, y) => x - y)) {
            noticesBefore(seq);
            const message = conv.messages.get(seq);
            if (!newLineDrawn && seq > conv.newAfter && message.from !== state.me) {
                items.push(kept(message, 'new', {}, newMessagesSeparator));
                previous = null;
                newLineDrawn = true;
            }
            push(message, {});
        }
        noticesBefore(Infinity);
        const seen = seenBy(conv);
        if (seen !== null) {
            items.push(seen);
            previous = null;
        }
        for (const [ref, pending] of conv.pending) {
            push({ from: state.me ?? state.name, text: pending.text, files: pending.files, at: pending.at, ref }, pending);
            if (pending.state === 'failed') {
                items[items.length - 1].append(retryButton(ref));
            }
        }
    } else {
        conv.entries.forEach((entry, index) => {
            noticesAfter((n) => n.afterEntry === index);
            push(entry, entry);
            if (entry.state === 'failed') {
                items[items.length - 1].append(retryButton(entry.ref));
            }
        });
        noticesAfter((n) => n.afterEntry === conv.entries.length);
    }
    return items;
}

// "Seen by …" under the room's latest message: the other members whose read marker reached it
function seenBy(conv) {
    if (!state.receiptsOn || conv.lastSeq === 0) {
        return null;
    }
    const names = [...conv.receipts].filter(([user, seq]) => seq >= conv.lastSeq && user !== state.me)
        .map(([user]) => user).sort().join(', ');
    return names === '' ? null : kept(conv, 'seen', { names }, () => element('li', 'seen', `Seen by ${names}`));
}

function retryButton(ref) {
    const button = element('button', 'link-button retry', 'Retry');
    button.type = 'button';
    button.dataset.retry = ref;
    return button;
}

function drawMembers() {
    const conv = active();
    const show = conv !== null && conv.kind === 'room' && conv.joined;
    view.members.hidden = !show;
    view.inviteForm.hidden = !show || conv.private !== 'private';
    if (!show) {
        view.memberList.replaceChildren();
        return;
    }
    view.memberCount.textContent = String(conv.count);
    const names = [...conv.members].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
    const items = names.map((name) => {
        const item = element('li', 'member');
        const button = element('button', 'member-button');
        button.type = 'button';
        button.dataset.user = name;
        button.append(avatar(name), element('span', 'presence'), element('span', 'label', name));
        if (name === state.me) {
            button.append(element('span', 'you', 'you'));
            button.disabled = true;
        } else {
            button.setAttribute('aria-label', `${name}, online: send a direct message`);
        }
        item.append(button);
        return item;
    });
    if (conv.count > names.length) {
        items.push(element('li', 'more-members', `and ${conv.count - names.length} more`));
    }
    view.memberList.replaceChildren(...items);
}

function drawTyping() {
    const conv = active();
    const now = Date.now();
    const who = conv ? [...conv.typing].filter(([, until]) => until > now).map(([user]) => user) : [];
    view.typing.textContent = who.length === 0 ? ''
        : who.length === 1 ? `${who[0]} is typing…`
            : who.length === 2 ? `${who[0]} and ${who[1]} are typing…` : 'Several people are typing…';
}

function announce(text) {
    const line = element('p', null, text.length > 200 ? `${text.slice(0, 200)}…` : text);
    view.announcer.append(line);
    while (view.announcer.childElementCount > 5) {
        view.announcer.firstElementChild.remove();
    }
}

function showBanner(text) {
    view.banner.textContent = text;
    view.banner.hidden = false;
}

function hideBanner() {
    view.banner.hidden = true;
    view.banner.textContent = '';
}

function askName(problem = '') {
    view.nameError.textContent = problem;
    view.nameDialog.hidden = false;
    view.name.focus();
    view.name.select();
}

function hideNameDialog() {
    view.nameDialog.hidden = true;
    view.nameError.textContent = '';
}

function closeDrawers() {
    view.sidebar.classList.remove('open');
    view.members.classList.remove('open');
    view.showSidebar.setAttribute('aria-expanded', 'false');
    view.showMembers.setAttribute('aria-expanded', 'false');
}

function fromHash() {
    const room = decodeURIComponent(location.hash.slice(1)).toLowerCase();
    return ROOM.test(room) ? room : null;
}

// ---- wiring ------------------------------------------------------------------------------------------------------

view.nameForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = view.name.value.trim();
    if (!NAME.test(name)) {
        view.nameError.textContent = 'Use 1 to 32 letters, digits, _ - or . (no spaces).';
        return;
    }
    hideNameDialog();
    connect(name);
});

view.changeName.addEventListener('click', () => askName());
view.logOut.addEventListener('submit', () => store.saveLoggedIn(false));
view.receiptsToggle.addEventListener('click', () => send({ type: 'receipts', on: !state.receiptsOn }));
// asked on the person's click, never on load: browsers ignore (or hold against the page) a request nobody asked for
view.notifyAsk.addEventListener('click', () => Notification.requestPermission().then(() => drawAll()));
view.nameDialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.name !== null && state.welcomed) {
        hideNameDialog();
    }
});

view.reconnectNow.addEventListener('click', () => state.connection?.retryNow());
window.addEventListener('online', () => state.connection?.retryNow());

view.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const room = view.roomName.value.trim().toLowerCase().replace(/^#/, '');
    if (!ROOM.test(room)) {
        view.joinError.textContent = plainWords({ code: 'room_invalid' });
        return;
    }
    view.joinError.textContent = '';
    view.roomName.value = '';
    joinRoom(room);
});

view.createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const title = view.createTitle.value.trim();
    if (title.length === 0 || [...title].length > 64) {
        view.createError.textContent = 'A title is 1 to 64 characters.';
        return;
    }
    view.createError.textContent = '';
    if (send({ type: 'create', title })) {
        state.opening.add(`private:${title}`);
        view.createTitle.value = '';
    }
});

view.inviteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const conv = active();
    const user = view.inviteName.value.trim();
    if (!NAME.test(user)) {
        view.inviteError.textContent = 'Names are 1 to 32 letters, digits, _ - or .';
        return;
    }
    view.inviteError.textContent = '';
    if (conv !== null && send({ type: 'invite', room: conv.name, user })) {
        view.inviteName.value = '';
    }
});

view.dmForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const user = view.dmName.value.trim();
    if (!NAME.test(user)) {
        view.dmError.textContent = 'Names are 1 to 32 letters, digits, _ - or .';
        return;
    }
    if (state.me !== null && user.toLowerCase() === state.me.toLowerCase()) {
        view.dmError.textContent = 'That is you.';
        return;
    }
    view.dmError.textContent = '';
    view.dmName.value = '';
    openDirect(user);
});

document.addEventListener('click', (event) => {
    const target = event.target.closest('button');
    if (!target) {
        return;
    }
    if (target.dataset.key) {
        activate(target.dataset.key);
    } else if (target.dataset.join) {
        joinRoom(target.dataset.join);
    } else if (target.dataset.retry) {
        retry(target.dataset.retry);
    } else if (target.classList.contains('member-button') && target.dataset.user) {
        openDirect(target.dataset.user);
    }
});

view.leave.addEventListener('click', () => {
    const conv = active();
    if (!conv) {
        return;
    }
    if (conv.kind === 'room' && conv.joined) {
        conv.wanted = false;
        send({ type: 'leave', room: conv.name });
        return;
    }
    state.conversations.delete(conv.key);
    state.active = roomConversations().find((c) => c.wanted)?.key ?? null;
    store.saveRooms();
    drawAll({ stick: true });
});

// ---- files -------------------------------------------------------------------------------------------------------

// each room's own tray: a file attached in a private room never leaves with a message in another
const trays = new Map();

function trayOf(conv) {
    if (!trays.has(conv.key)) {
        trays.set(conv.key, new Uploads(drawTray));
    }
    return trays.get(conv.key);
}

function drawTray() {
    const tray = active() ? trays.get(active().key) : undefined;
    const items = tray?.drawn() ?? [];
    view.attachments.replaceChildren(...items);
    view.attachments.hidden = items.length === 0;
}

function addFiles(files) {
    if (files.length === 0) {
        return;
    }
    if (!state.filesOn) {
        showBanner('Log in to share files.');
        return;
    }
    const conv = active();
    if (!conv || conv.kind !== 'room') {
        showBanner('Files go in rooms and stored conversations; live direct messages carry text only.');
        return;
    }
    const refused = trayOf(conv).add([...files]);
    if (refused !== null) {
        showBanner(refused);
    }
}

view.attach.addEventListener('click', () => view.filePicker.click());
view.filePicker.addEventListener('change', () => {
    addFiles(view.filePicker.files);
    view.filePicker.value = ''; // the same file may be picked again
});
view.text.addEventListener('paste', (event) => {
    const files = event.clipboardData?.files ?? [];
    // text copied from an office program comes with a picture of itself: the text is what was meant
    const hasText = (event.clipboardData?.types ?? []).includes('text/plain');
    if (state.filesOn && files.length > 0 && !hasText) {
        event.preventDefault();
        addFiles(files);
    }
});
const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
view.conversation.addEventListener('dragover', (event) => {
    if (carriesFiles(event) && !view.composer.hidden) {
        event.preventDefault();
        view.composer.classList.add('dropping');
    }
});
view.conversation.addEventListener('dragleave', () => view.composer.classList.remove('dropping'));
view.conversation.addEventListener('drop', (event) => {
    if (carriesFiles(event) && !view.composer.hidden) {
        event.preventDefault();
        view.composer.classList.remove('dropping');
        addFiles(event.dataTransfer.files);
    }
});

view.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
});

view.text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
    }
});
view.text.addEventListener('input', typed);

view.loadOlder.addEventListener('click', loadOlder);
view.scroller.addEventListener('scroll', () => {
    if (view.scroller.scrollTop < 80) {
        loadOlder();
    }
});

view.showSidebar.addEventListener('click', () => {
    const open = view.sidebar.classList.toggle('open');
    view.showSidebar.setAttribute('aria-expanded', String(open));
});
view.showMembers.addEventListener('click', () => {
    const open = view.members.classList.toggle('open');
    view.showMembers.setAttribute('aria-expanded', String(open));
});
document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
        closeDrawers();
    }
});

document.addEventListener('visibilitychange', () => {
    if (!document.hidden && active()) {
        active().unread = 0;
        active().mentions = 0;
        markRead(active());
        drawSidebar();
    }
});

window.addEventListener('hashchange', () => {
    const room = fromHash();
    if (room !== null && state.active !== roomKey(room)) {
        joinRoom(room);
    }
});

// ---- start -------------------------------------------------------------------------------------------------------

const linked = new URLSearchParams(location.search).get('name');
const initial = linked !== null && NAME.test(linked) ? linked : store.name();
drawAll();
if (new URLSearchParams(location.search).has('login') || store.loggedIn()) {
    // back from the server's login page: the principal names this user, whatever name is sent
    connect(initial !== null && NAME.test(initial) ? initial : '');
} else if (initial !== null && NAME.test(initial)) {
    view.name.value = initial;
    connect(initial);
} else {
    showConnection('idle', 'Not connected');
    askName();
}
