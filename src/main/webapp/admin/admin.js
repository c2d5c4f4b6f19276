// The admin page: every call goes to /api/admin with the FORM login's session cookie and the session's CSRF token
// in X-Parley-CSRF (which also keeps the browser from popping up a Basic login on 401). Text from the server only
// ever becomes text nodes.

const API = '../api/admin/';
const REFRESH_MS = 3000;
// thousands of rooms or a long audit trail are shown a page at a time, fetched page by page
const ROOMS_PAGE = 50;
const AUDIT_PAGE = 50;
let csrf = '-';
let loggingOut = false;
const roomsView = { query: '', offset: 0, total: 0 };
const auditView = { offset: 0, shown: 0 };

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
        node.textContent = String(text);
    }
    if (className) {
        node.className = className;
    }
    return node;
}

function say(text, failed = false) {
    const status = $('status');
    status.textContent = text;
    status.dataset.failed = failed ? 'true' : 'false';
}

async function call(method, path, body) {
    return (await exchange(method, path, body)).data;
}

async function exchange(method, path, body) {
    const options = { method, headers: { 'X-Parley-CSRF': csrf }, credentials: 'same-origin' };
    if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
    }
    const response = await fetch(API + path, options);
    if (response.status === 401) {
        // a poll answered after Log out ended the session must not send the leaving browser to the login instead
        if (!loggingOut) {
            window.location.assign('../login?next=' + encodeURIComponent('/admin/'));
        }
        throw new Error('the login has ended');
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
        throw new Error(data?.error ?? `${method} ${path}: ${response.status}`);
    }
    return { data, headers: response.headers };
}

function duration(seconds) {
    const d = Math.floor(seconds / 86400);
    const h = Math.floor(seconds / 3600) % 24;
    const m = Math.floor(seconds / 60) % 60;
    return (d ? `${d} d ` : '') + (d || h ? `${h} h ` : '') + `${m} min ${seconds % 60} s`;
}

function when(millis) {
    return millis === 0 ? 'permanent' : new Date(millis).toLocaleString();
}

function button(label, action) {
    const node = element('button', label);
    node.type = 'button';
    node.addEventListener('click', action);
    return node;
}

async function act(description, work) {
    try {
        await work();
        say(description);
        await refresh();
    } catch (failure) {
        say(failure.message, true);
    }
}

function fill(formId, values) {
    const form = $(formId);
    for (const [name, value] of Object.entries(values)) {
        form.elements[name].value = value;
    }
    form.scrollIntoView({ block: 'nearest' });
}

async function showMembers(room) {
    const members = await call('GET', `rooms/${encodeURIComponent(room)}/members`);
    $('members-room').textContent = room;
    const list = $('members');
    list.replaceChildren(...members.map((user) => {
        const item = element('li');
        item.append(element('span', user, 'name'),
            button('Kick', () => fill('kick', { room, user })),
            button('Mute', () => fill('mute', { room, user })),
            button('Ban', () => fill('ban', { user, address: '' })));
        return item;
    }));
    if (members.length === 0) {
        list.append(element('li', 'nobody'));
    }
    $('members-panel').hidden = false;
}

function renderRooms(rooms) {
    $('rooms').replaceChildren(...rooms.map((room) => {
        const row = element('tr');
        row.append(element('td', room.privateRoom ? room.name + ' (private)' : room.name), element('td', room.members),
            element('td', room.lastSeq),
            element('td', room.closed ? 'closed' : 'open'));
        const actions = element('td', null, 'row-actions');
        actions.append(button('Members', () => showMembers(room.name).catch((f) => say(f.message, true))));
        if (room.closed) {
            actions.append(button('Reopen', () => act(`Reopened ${room.name}`,
                () => call('POST', `rooms/${encodeURIComponent(room.name)}/reopen`))));
        } else {
            actions.append(button('Close…', () => fill('close-room', { room: room.name })));
        }
        actions.append(button('Announce…', () => fill('announce', { room: room.name })),
            button('Delete message…', () => fill('delete-message', { room: room.name })),
            button('Delete room…', () => fill('purge-room', { room: room.name, confirm: '' })));
        row.append(actions);
        return row;
    }));
}

/** A user key as words: 'g:bob' is the guest bob, 'a:bob' the account bob (the API takes the key back). */
function who(key) {
    const kinds = { 'g:': 'guest', 'a:': 'account' };
    const kind = kinds[key.slice(0, 2)];
    return kind ? `${kind} ${key.slice(2)}` : key;
}

function renderBans(bans) {
    $('bans').replaceChildren(...bans.map((ban) => {
        const subject = ban.kind === 'user' ? who(ban.subject) : `address ${ban.subject}`;
        const item = element('li', `${subject} — until ${when(ban.until)}`
            + (ban.reason ? ` — ${ban.reason}` : '') + ` (by ${ban.createdBy})`);
        const path = ban.kind === 'user' ? 'bans/users/' : 'bans/addresses/';
        item.append(button('Unban', () => act(`Unbanned ${subject}`,
            () => call('DELETE', path + encodeURIComponent(ban.subject)))));
        return item;
    }));
    if (bans.length === 0) {
        $('bans').append(element('li', 'none'));
    }
}

function renderMutes(mutes) {
    $('mutes').replaceChildren(...mutes.map((mute) => {
        const item = element('li', `${who(mute.user)} in ${mute.room} — until ${when(mute.until)} (by ${mute.createdBy})`);
        item.append(button('Unmute', () => act(`Unmuted ${who(mute.user)} in ${mute.room}`,
            () => call('DELETE', `rooms/${encodeURIComponent(mute.room)}/mutes/${encodeURIComponent(mute.user)}`))));
        return item;
    }));
    if (mutes.length === 0) {
        $('mutes').append(element('li', 'none'));
    }
}

function renderAudit(rows) {
    $('audit').replaceChildren(...rows.map((row) => {
        const line = element('tr');
        line.append(element('td', new Date(row.at).toLocaleString()), element('td', row.actor),
            element('td', row.action), element('td', row.target ?? ''), element('td', row.reason ?? ''));
        return line;
    }));
}

function roomsPath() {
    return `rooms?query=${encodeURIComponent(roomsView.query)}&offset=${roomsView.offset}&limit=${ROOMS_PAGE}`;
}

function showPages(rooms) {
    roomsView.total = Number(rooms.headers.get('X-Total-Count') ?? rooms.data.length);
    const last = Math.min(roomsView.offset + rooms.data.length, roomsView.total);
    $('rooms-page').textContent = roomsView.total === 0 ? 'no rooms'
        : `${roomsView.offset + 1}–${last} of ${roomsView.total}`;
    $('rooms-previous').disabled = roomsView.offset === 0;
    $('rooms-next').disabled = last >= roomsView.total;
    $('audit-page').textContent = auditView.shown === 0 ? 'no entries'
        : `entries ${auditView.offset + 1}–${auditView.offset + auditView.shown}`;
    $('audit-newer').disabled = auditView.offset === 0;
    $('audit-older').disabled = auditView.shown < AUDIT_PAGE;
}

async function refresh() {
    const [stats, rooms, bans, mutes, audit] = await Promise.all([call('GET', 'stats'),
        exchange('GET', roomsPath()), call('GET', 'bans'), call('GET', 'mutes'),
        call('GET', `audit?offset=${auditView.offset}&limit=${AUDIT_PAGE}`)]);
    $('connections').textContent = stats.connections;
    $('rooms-count').textContent = stats.rooms;
    $('messages-stored').textContent = stats.messagesStored;
    $('messages-per-second').textContent = stats.messagesPerSecond;
    $('uptime').textContent = duration(stats.uptimeSeconds);
    renderRooms(rooms.data);
    renderBans(bans);
    renderMutes(mutes);
    renderAudit(audit);
    auditView.shown = audit.length;
    showPages(rooms);
}

function reload() {
    refresh().catch((failure) => say(failure.message, true));
}

function turnPage(view, step) {
    view.offset = Math.max(0, view.offset + step);
    reload();
}

$('rooms-search').addEventListener('submit', (event) => event.preventDefault());
$('rooms-search').elements.query.addEventListener('input', (event) => {
    roomsView.query = event.target.value.trim();
    roomsView.offset = 0;
    reload();
});
$('rooms-previous').addEventListener('click', () => turnPage(roomsView, -ROOMS_PAGE));
$('rooms-next').addEventListener('click', () => turnPage(roomsView, ROOMS_PAGE));
$('audit-newer').addEventListener('click', () => turnPage(auditView, -AUDIT_PAGE));
$('audit-older').addEventListener('click', () => turnPage(auditView, AUDIT_PAGE));

function onSubmit(formId, work) {
    const form = $(formId);
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        const values = Object.fromEntries(new FormData(form).entries());
        for (const key of Object.keys(values)) {
            values[key] = values[key].trim();
        }
        act(work.description(values), () => work.run(values)).then(() => form.reset());
    });
}

const room = (values) => encodeURIComponent(values.room);
const optional = (value) => (value === '' ? undefined : value);

onSubmit('create-room', {
    description: (v) => `Room ${v.room} is open`,
    run: (v) => call('POST', 'rooms', { room: v.room }),
});
onSubmit('kick', {
    description: (v) => `Kicked ${v.user} from ${v.room}`,
    run: (v) => call('POST', `rooms/${room(v)}/kick`, { user: v.user, reason: optional(v.reason) }),
});
onSubmit('mute', {
    description: (v) => `Muted ${v.user} in ${v.room}`,
    run: (v) => call('POST', `rooms/${room(v)}/mutes`, { user: v.user, seconds: Number(v.seconds || 0) }),
});
onSubmit('ban', {
    description: (v) => `Banned ${v.user || v.address}`,
    run: (v) => call('POST', 'bans', { user: optional(v.user), address: optional(v.address),
        seconds: Number(v.seconds || 0), reason: optional(v.reason) }),
});
onSubmit('close-room', {
    description: (v) => `Closed ${v.room}`,
    run: (v) => call('POST', `rooms/${room(v)}/close`, { reason: optional(v.reason) }),
});
onSubmit('purge-room', {
    description: (v) => `Deleted room ${v.room}`,
    run: async (v) => {
        if (v.confirm !== v.room) {
            throw new Error(`type the room's name, ${v.room}, again to delete it`);
        }
        return call('DELETE', `rooms/${room(v)}` + (v.reason ? `?reason=${encodeURIComponent(v.reason)}` : ''));
    },
});
onSubmit('delete-message', {
    description: (v) => `Deleted message ${v.seq} of ${v.room}`,
    run: (v) => call('DELETE', `rooms/${room(v)}/messages/${encodeURIComponent(v.seq)}`
        + (v.reason ? `?reason=${encodeURIComponent(v.reason)}` : '')),
});
onSubmit('announce', {
    description: (v) => (v.room ? `Announced in ${v.room}` : 'Announced to everyone'),
    run: (v) => call('POST', 'announce', { text: v.text, room: optional(v.room) }),
});

$('log-out').addEventListener('submit', () => {
    loggingOut = true;
});

async function start() {
    try {
        const session = await call('GET', 'session');
        csrf = session.csrf;
        $('me').textContent = session.user;
        await refresh();
    } catch (failure) {
        say(failure.message, true);
    }
    // live figures without a reload; a hidden tab asks nothing, and catches up as soon as it is shown again
    setInterval(() => {
        if (document.visibilityState === 'visible') {
            reload();
        }
    }, REFRESH_MS);
    document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') {
            reload();
        }
    });
}

start();
