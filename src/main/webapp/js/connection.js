// One protocol v1 connection that comes back by itself: exponential backoff with jitter, except after the close
// codes the protocol says not to reconnect on (another reconnect would only be refused the same way).

const FINAL_CLOSE_CODES = new Map([
    [4001, 'This server needs you to log in first.'],
    [4002, 'That name is not allowed. Use letters, digits, _ - and . (up to 32).'],
    [4003, 'That name is taken. Pick another one.'],
    [4004, 'You are banned from this server.'],
    [4005, 'This page may not connect to this server (origin refused).'],
    [4011, 'You opened Parley as this name in another tab or window; this one has stopped.'],
]);

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

export function chatUrl(location, name, resume) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // batch=1: under load the server may send several events as one array frame (fewer frames to parse);
    // membership=1: for a logged-in user the server keeps the rooms and read markers on every device (a guest's
    // connection is unchanged by it)
    const query = new URLSearchParams({ name, batch: '1', membership: '1' });
    if (resume) {
        query.set('resume', resume);
    }
    return `${scheme}//${location.host}/chat?${query}`;
}

/** Half to all of an exponentially growing delay, so a restarted server is not hit by every client at once. */
export function backoffDelay(attempt, random = Math.random) {
    const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
    return Math.round(ceiling / 2 + random() * ceiling / 2);
}

export class Connection {
    constructor({ url, onEvent, onFrameEnd = () => {}, onState }) {
        this.url = url;
        this.onEvent = onEvent;
        this.onFrameEnd = onFrameEnd;
        this.onState = onState;
        this.attempt = 0;
        this.socket = null;
        this.timer = null;
        this.stopped = false;
    }

    open() {
        clearTimeout(this.timer);
        this.timer = null;
        this.stopped = false;
        this.onState({ state: 'connecting', attempt: this.attempt });
        const socket = new WebSocket(this.url());
        this.socket = socket;
        socket.addEventListener('message', (event) => {
            if (socket !== this.socket) {
                return;
            }
            let frame;
            try {
                frame = JSON.parse(event.data);
            } catch {
                return;
            }
            try {
                for (const one of Array.isArray(frame) ? frame : [frame]) {
                    if (one.type === 'welcome') {
                        this.attempt = 0;
                    }
                    this.onEvent(one);
                    if (socket !== this.socket) {
                        return; // an event of the array ended this connection (e.g. the page stopped it)
                    }
                }
            } finally {
                this.onFrameEnd();
            }
        });
        socket.addEventListener('close', (event) => this.closed(socket, event.code));
    }

    get isOpen() {
        return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
    }

    /** Sends when open; returns false (and the caller keeps what it must resend) otherwise. */
    send(command) {
        if (!this.isOpen) {
            return false;
        }
        this.socket.send(JSON.stringify(command));
        return true;
    }

    retryNow() {
        if (this.timer !== null) {
            this.open();
        }
    }

    stop() {
        this.stopped = true;
        clearTimeout(this.timer);
        this.timer = null;
        const socket = this.socket;
        this.socket = null;
        if (socket !== null && socket.readyState <= WebSocket.OPEN) {
            socket.close(1000);
        }
    }

    closed(socket, code) {
        if (socket !== this.socket || this.stopped) {
            return;
        }
        this.socket = null;
        const reason = FINAL_CLOSE_CODES.get(code);
        if (reason !== undefined) {
            this.onState({ state: 'stopped', code, reason });
            return;
        }
        const delay = backoffDelay(this.attempt);
        this.attempt += 1;
        this.onState({ state: 'waiting', code, delay, until: Date.now() + delay });
        this.timer = setTimeout(() => this.open(), delay);
    }
}
