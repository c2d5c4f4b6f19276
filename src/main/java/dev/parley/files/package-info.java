/**
 * Files and images in chat (issue #19). {@code control} decides what an upload is from its bytes, never from what
 * the browser says ({@link dev.parley.files.control.FileInspector}), and makes the names and headers it is served
 * with safe ({@link dev.parley.files.control.FileNames}, {@link dev.parley.files.control.ContentDisposition}). It
 * imports nothing else of Parley: the upload and download endpoints and the stored files build on it.
 */
package dev.parley.files;
