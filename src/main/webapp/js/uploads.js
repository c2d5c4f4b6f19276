// Files on their way up (the files extension): each picked, dropped or pasted file is uploaded at once, with its
// progress, and waits in the composer's tray until a message carries it. The server judges every file again; the
// bounds here only spare the user a wait for a refusal.

import { element, sizeText } from './render.js';

export const MAX_FILES_PER_MESSAGE = 10;

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
            if (this.items.length >= MAX_FILES_PER_MESSAGE) {
                refused = `A message carries at most ${MAX_FILES_PER_MESSAGE} files.`;
                break;
            }
            const item = { file, name: file.name || 'pasted image', sent: 0, state: 'uploading', note: '' };
            this.items.push(item);
            this.upload(item);
        }
        this.changed();
        return refused;
    }

    upload(item) {
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
        request.send(form);
    }

    remove(item) {
        if (item.state === 'uploading') {
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

    /** The uploaded files, as the server described them, for a message to carry. */
    ready() {
        return this.items.filter((item) => item.state === 'ready').map((item) => item.described);
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
