// Files on their way up (the files extension): each picked, dropped or pasted file is uploaded as soon as the server
// takes another of this user's, with its progress, and waits in the composer's tray until a message carries it. The server judges every file again; the
// bounds here only spare the user a wait for a refusal.

import { element, sizeText } from './render.js';

// the server's bounds, from its welcome ("files"); these until one says otherwise (a server before it announced them)
const limits = { maxPerMessage: 10, maxBytes: Infinity, uploadsAtOncePerUser: 2 };

// uploads wait here for their turn: the server refuses (429) a user's upload past its bound on those on their way in,
// so ten files picked at once go a few at a time rather than most of them failing
const queue = [];
let running = 0;

function nextUpload() {
    while (running < limits.uploadsAtOncePerUser && queue.length > 0) {
        running += 1;
        queue.shift().start();
    }
}

/** Takes the bounds a welcome announced; a field it lacks keeps its value. */
export function useLimits(announced) {
    if (Number.isInteger(announced?.maxPerMessage) && announced.maxPerMessage > 0) {
        limits.maxPerMessage = announced.maxPerMessage;
    }
    if (Number.isFinite(announced?.maxBytes) && announced.maxBytes > 0) {
        limits.maxBytes = announced.maxBytes;
    }
    if (Number.isInteger(announced?.uploadsAtOncePerUser) && announced.uploadsAtOncePerUser > 0) {
        limits.uploadsAtOncePerUser = announced.uploadsAtOncePerUser;
    }
}

export class Uploads {
    /** {@code changed} is called whenever the tray should be drawn again. */
    constructor(changed) {
        this.changed = changed;
        this.items = [];
    }

    /** Starts uploading the files; answers why some were not taken, or null. */
    add(files) {
        let refused = null;
        for (const file of files) {
            if (this.items.length >= limits.maxPerMessage) {
                refused = `A message carries at most ${limits.maxPerMessage} files.`;
                break;
            }
            const item = { file, name: file.name || 'pasted image', sent: 0, state: 'uploading', note: '' };
            this.items.push(item);
            if (file.size > limits.maxBytes) {
                item.state = 'failed';
                item.note = `Larger than the ${sizeText(limits.maxBytes)} a file may have.`;
            } else {
                this.upload(item);
            }
        }
        this.changed();
        return refused;
    }

    /** In the queue until its turn; the tray shows it uploading (no progress yet) meanwhile. */
    upload(item) {
        item.state = 'uploading';
        item.start = () => this.send(item);
        queue.push(item);
        nextUpload();
    }

    send(item) {
        const form = new FormData();
        form.append('file', item.file, item.name);
        const request = new XMLHttpRequest();
        item.request = request;
        request.open('POST', 'api/files');
        // proves to the server that this page, not another site, sends the upload
        request.setRequestHeader('X-Parley-CSRF', '1');
        request.upload.addEventListener('progress', (event) => {
            if (event.lengthComputable) {
                item.sent = event.loaded / event.total;
                // in place: redrawing the tray on every step would take the × away from under the pointer
                if (item.progress) {
                    item.progress.value = item.sent;
                }
            }
        });
        request.addEventListener('load', () => {
            let body = {};
            try {
                body = JSON.parse(request.responseText);
            } catch {
                // not JSON: a proxy's or the container's own page
            }
            if (request.status === 201) {
                item.state = 'ready';
                item.described = body;
            } else {
                item.state = 'failed';
                item.note = body.message ?? `The upload failed (HTTP ${request.status}).`;
            }
            this.changed();
        });
        request.addEventListener('error', () => {
            item.state = 'failed';
            item.note = 'The upload failed: the server did not answer.';
            this.changed();
        });
        // after load, error and abort alike: the next one's turn
        request.addEventListener('loadend', () => {
            running -= 1;
            nextUpload();
        });
        request.send(form);
    }

    remove(item) {
        if (item.state === 'uploading' && queue.includes(item)) {
            queue.splice(queue.indexOf(item), 1);
        } else if (item.state === 'uploading') {
            item.request.abort();
        }
        this.items = this.items.filter((each) => each !== item);
        this.changed();
    }

    busy() {
        return this.items.some((item) => item.state === 'uploading');
    }

    failed() {
        return this.items.some((item) => item.state === 'failed');
    }

    /** The uploaded files' items, for a message to carry (each as the server {@code described} it). */
    ready() {
        return this.items.filter((item) => item.state === 'ready');
    }

    /**
     * Puts the files of a message that was refused back, first, so the user can send them again. {@code again}: the
     * server would not take those uploads (carried already, or gone), so each is uploaded anew from the file picked.
     */
    restore(items, again) {
        this.items = [...items, ...this.items.filter((item) => !items.includes(item))];
        if (again) {
            items.forEach((item) => {
                item.state = 'uploading';
                item.sent = 0;
                item.described = undefined;
                this.upload(item);
            });
        }
        this.changed();
    }

    clear() {
        this.items = [];
        this.changed();
    }

    /** The tray's items: name, size, progress or why it failed, and a button that takes the file out. */
    drawn() {
        return this.items.map((item) => {
            const chip = element('li', `attachment ${item.state}`);
            chip.append(element('span', 'file-name', item.name), element('span', 'file-size', sizeText(item.file.size)));
            if (item.state === 'uploading') {
                const progress = document.createElement('progress');
                progress.max = 1;
                progress.value = item.sent;
                progress.setAttribute('aria-label', `Uploading ${item.name}`);
                item.progress = progress;
                chip.append(progress);
            } else if (item.state === 'failed') {
                chip.append(element('span', 'note', item.note));
            }
            const remove = element('button', 'link-button remove', '×');
            remove.type = 'button';
            remove.setAttribute('aria-label', `Remove ${item.name}`);
            remove.addEventListener('click', () => this.remove(item));
            chip.append(remove);
            return chip;
        });
    }
}
