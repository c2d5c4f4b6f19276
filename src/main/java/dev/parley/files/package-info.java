/**
 * Files and images in chat (the files extension). {@code boundary}: the upload and download endpoint at
 * {@code /api/files}. {@code control}: who may upload how much ({@link dev.parley.files.control.Uploads}), what an
 * upload is, decided from its bytes and never from what the browser says
 * ({@link dev.parley.files.control.FileInspector}), the names and headers it is served with
 * ({@link dev.parley.files.control.FileNames}, {@link dev.parley.files.control.ContentDisposition}), who may download
 * it ({@link dev.parley.files.control.Downloads}) and the removal of uploads no message took. The files themselves are
 * history's to store (the message store binds them to the message that carries them); chat knows only their ids and
 * descriptions ({@link dev.parley.chat.entity.Attachment}).
 */
package dev.parley.files;
