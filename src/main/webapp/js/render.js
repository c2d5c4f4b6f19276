// DOM builders. Message text only ever becomes text nodes (never markup); links are anchors built here, and only
// for http and https.

// Bidi controls (U+061C, U+200E-F, U+202A-E, U+2066-9) may stand in a message (protocol v1 allows them) but never in
// a link, and each run of text and each link is isolated from its neighbours: a U+202E in the text cannot reverse
// how a link reads, so a link shows what it opens.
const BIDI_CONTROLS = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
const LINK = new RegExp(`\\bhttps?:\\/\\/[^\\s<>"${BIDI_CONTROLS}]+`, 'gi');
const TRAILING_PUNCTUATION = /[.,;:!?'")\]]+$/;

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullTimestamp = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const calendarDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

const ERROR_WORDS = {
    bad_request: 'The server did not understand that request.',
    not_member: 'You are not in that room (any more).',
    room_invalid: 'Room names are 1 to 32 lower-case letters, digits, _ and -, starting with a letter or digit.',
    room_closed: 'That room has been closed.',
    text_invalid: 'That message cannot be sent: it is empty, too long or has characters that are not allowed.',
    ref_conflict: 'That message clashed with another one; please send it again.',
    user_unknown: 'Not delivered: that person is not online.',
    rate_limited: 'Slow down: you are sending too fast. Try again in a moment.',
    limit_exceeded: 'You have reached a limit (too many rooms or connections).',
    muted: 'You are muted in this room.',
    banned: 'You are banned from this server.',
    name_invalid: 'That name is not allowed. Use letters, digits, _ - and . (up to 32).',
    name_taken: 'That name is taken. Pick another one.',
    origin_refused: 'This page may not connect to this server.',
    unauthorized: 'This server needs you to log in first.',
    internal: 'The server had a problem; please try again.',
};

export function plainWords(error) {
    return ERROR_WORDS[error.code] ?? error.message ?? 'Something went wrong.';
}

export function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
        node.className = className;
    }
    if (text !== undefined) {
        node.textContent = text;
    }
    return node;
}

/** A stable hue per name, so people are recognisable at a glance; the CSS holds the palette. */
export function hueClass(name) {
    let hash = 0;
    for (const char of name.toLowerCase()) {
        hash = (hash * 31 + char.codePointAt(0)) >>> 0;
    }
    return `hue-${hash % 8}`;
}

/** A padlock drawn as SVG (no emoji font needed): a private room. */
export function lockIcon(label) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('class', 'lock');
    if (label) {
        svg.setAttribute('role', 'img');
        svg.setAttribute('aria-label', label);
    } else {
        svg.setAttribute('aria-hidden', 'true');
    }
    const body = document.createElementNS(svg.namespaceURI, 'rect');
    Object.entries({ x: 3, y: 7, width: 10, height: 8, rx: 1.5 }).forEach(([k, v]) => body.setAttribute(k, v));
    const shackle = document.createElementNS(svg.namespaceURI, 'path');
    shackle.setAttribute('d', 'M5 7V5a3 3 0 0 1 6 0v2');
    svg.append(body, shackle);
    return svg;
}

export function avatar(name) {
    const node = element('span', `avatar ${hueClass(name)}`, name.slice(0, 1).toUpperCase());
    node.setAttribute('aria-hidden', 'true');
    return node;
}

export function safeLink(candidate) {
    try {
        const url = new URL(candidate);
        return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
    } catch {
        return null;
    }
}

/** A run of message text in an isolate of its own (dir auto), so its bidi controls end with it. */
function isolated(text) {
    return element('bdi', null, text);
}

/** Text with its http(s) links as anchors, as a fragment of isolated text runs and left-to-right anchors only. */
export function linkified(text) {
    const fragment = document.createDocumentFragment();
    let from = 0;
    for (const match of text.matchAll(LINK)) {
        const candidate = match[0].replace(TRAILING_PUNCTUATION, '');
        const url = safeLink(candidate);
        if (url === null) {
            continue;
        }
        fragment.append(isolated(text.slice(from, match.index)));
        const anchor = element('a', 'link', candidate);
        anchor.dir = 'ltr';
        anchor.href = url.href;
        anchor.title = url.href;
        anchor.target = '_blank';
        anchor.rel = 'noopener noreferrer';
        fragment.append(anchor);
        from = match.index + candidate.length;
    }
    fragment.append(isolated(text.slice(from)));
    return fragment;
}

export function dayKey(date) {
    return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function dayLabel(date, now = new Date()) {
    const yesterday = new Date(now);
    yesterday.setDate(now.getDate() - 1);
    if (dayKey(date) === dayKey(now)) {
        return 'Today';
    }
    if (dayKey(date) === dayKey(yesterday)) {
        return 'Yesterday';
    }
    return calendarDay.format(date);
}

export function daySeparator(date) {
    const item = element('li', 'day');
    item.setAttribute('role', 'separator');
    item.append(element('span', null, dayLabel(date)));
    return item;
}

/** The line above the first message that arrived after the user's read marker. */
export function newMessagesSeparator() {
    const item = element('li', 'day new-messages');
    item.setAttribute('role', 'separator');
    item.append(element('span', null, 'New messages'));
    return item;
}

export function timeElement(date) {
    const node = element('time', 'at', timeOfDay.format(date));
    node.dateTime = date.toISOString();
    node.title = fullTimestamp.format(date);
    return node;
}

/**
 * One message. {@code continued}: the same sender as the one above within a few minutes, shown without the name.
 * {@code state}: 'sent', 'pending' or 'failed' (with the reason in {@code note}).
 */
const INLINE_IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const FILE_URL = /^api\/files\/[A-Za-z0-9_-]{22}$/;
const THUMB_WIDTH = 240;
const THUMB_HEIGHT = 180;

export function sizeText(bytes) {
    if (bytes < 1024) {
        return `${bytes} B`;
    }
    const units = ['KB', 'MB', 'GB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit += 1;
    }
    return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * The files a message carries: the images the server serves inline as thumbnails that open large in a tab of their
 * own, every other file as a download link. Only a link of the server's own shape is used.
 */
export function filesList(files) {
    const list = element('ul', 'files');
    for (const file of files.filter((f) => FILE_URL.test(f.url ?? ''))) {
        const item = element('li', 'file');
        const link = document.createElement('a');
        link.href = file.url;
        link.rel = 'noopener';
        if (INLINE_IMAGES.includes(file.type)) {
            link.className = 'thumb';
            link.target = '_blank';
            link.title = `${file.name} (${sizeText(file.size)}): open large`;
            const image = document.createElement('img');
            image.src = file.url;
            image.alt = file.name;
            image.loading = 'lazy';
            if (file.width > 0 && file.height > 0) {
                // the box is known before the image loads, so the list does not jump
                const scale = Math.min(1, THUMB_WIDTH / file.width, THUMB_HEIGHT / file.height);
                image.width = Math.max(1, Math.round(file.width * scale));
                image.height = Math.max(1, Math.round(file.height * scale));
            }
            link.append(image);
        } else {
            link.className = 'download';
            link.download = file.name;
            link.title = `Download ${file.name}`;
            link.append(element('span', 'file-name', file.name), element('span', 'file-size', sizeText(file.size)));
        }
        item.append(link);
        list.append(item);
    }
    return list;
}

export function messageItem({
    from, text, at, seq, ref, own, continued, state, note, deleted = false, guest = false, mention = false,
    files = [],
}) {
    const item = element('li', 'msg');
    item.classList.toggle('own', own);
    item.classList.toggle('mention', mention);
    item.classList.toggle('continued', continued);
    item.classList.add(state);
    if (seq !== undefined) {
        item.dataset.seq = String(seq);
    }
    if (ref) {
        item.dataset.ref = ref;
    }
    item.append(avatar(from));
    const body = element('div', 'body');
    const meta = element('div', 'meta');
    meta.append(element('span', `from ${hueClass(from)}`, from));
    if (guest) {
        // a guest chose this name at the door; no account vouches for it
        const mark = element('span', 'guest', 'guest');
        mark.title = 'A guest: anyone may connect under a free name';
        meta.append(mark);
    }
    if (own) {
        meta.append(element('span', 'you', 'you'));
    }
    meta.append(timeElement(at));
    body.append(meta);
    const textNode = element('div', 'text');
    textNode.dir = 'auto';
    if (deleted) {
        textNode.classList.add('deleted');
        textNode.textContent = 'This message was deleted by an operator.';
    } else {
        textNode.append(linkified(text));
    }
    body.append(textNode);
    if (!deleted && files.length > 0) {
        body.append(filesList(files));
    }
    if (state === 'pending') {
        body.append(element('div', 'status', 'Sending…'));
    } else if (state === 'failed') {
        const status = element('div', 'status', note ?? 'Not sent.');
        body.append(status);
    }
    item.append(body);
    return item;
}

export function noticeItem(text, kind = 'notice') {
    const item = element('li', `system ${kind}`);
    item.append(isolated(text));
    return item;
}
