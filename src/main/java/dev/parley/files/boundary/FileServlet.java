package dev.parley.files.boundary;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Identity;
import dev.parley.files.control.ContentDisposition;
import dev.parley.files.control.Downloads;
import dev.parley.files.control.FileDirectory;
import dev.parley.files.control.FileNames;
import dev.parley.files.control.Uploads;
import dev.parley.history.entity.StoredFile;
import dev.parley.metrics.Metrics;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.security.Principal;
import java.util.Set;

/**
 * {@code POST /api/files} takes an upload (multipart, the part {@code file}) from a logged-in user;
 * {@code GET /api/files/{id}} gives a file to whoever may have it ({@link Downloads}). Registered with its multipart
 * bounds from the settings by {@link FilesRegistration}.
 *
 * <p>A file is served as what the server found it to be, never as what it claims: inline only for the images the
 * inspector recognised (PNG, JPEG, GIF, WebP), every other type as an attachment; always with
 * {@code X-Content-Type-Options: nosniff} and a policy that sandboxes it and lets it load nothing, so that even a file
 * that is valid HTML as well as a valid image (a polyglot) runs no script in Parley's origin.
 */
public class FileServlet extends HttpServlet {

    /**
     * Another site can make a browser post a form to Parley with the user's cookie, but cannot add a header without a
     * CORS preflight, which Parley never grants: an upload shows this header (any value) or
     * {@code Sec-Fetch-Site: same-origin}.
     */
    static final String PROOF_HEADER = "X-Parley-CSRF";

    static final String PART = "file";
    /** What a multipart body adds to its file: boundaries and part headers (the name is at most a few KiB). */
    static final long FORM_OVERHEAD = 64 * 1024;

    static final String FILE_POLICY = "default-src 'none'; sandbox";
    private static final Set<String> INLINE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    @Inject
    Uploads uploads;

    @Inject
    Downloads downloads;

    @Inject
    Metrics metrics;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getPathInfo() != null && !"/".equals(request.getPathInfo())) {
            refuseUpload(response, 405, ErrorCode.BAD_REQUEST, "upload to /api/files");
            return;
        }
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            refuseUpload(response, 401, ErrorCode.UNAUTHORIZED, "log in to share files");
            return;
        }
        if (request.getHeader(PROOF_HEADER) == null && !"same-origin".equals(request.getHeader("Sec-Fetch-Site"))) {
            refuseUpload(response, 403, ErrorCode.BAD_REQUEST, "an upload carries the header " + PROOF_HEADER);
            return;
        }
        long maxBytes = uploads.settings().maxBytes();
        if (request.getContentLengthLong() > maxBytes + FORM_OVERHEAD) {
            refuseUpload(response, 413, ErrorCode.LIMIT_EXCEEDED, "a file may have at most " + maxBytes + " bytes");
            return;
        }
        String owner = new Identity(principal.getName(), true).key();
        Uploads.Refusal busy = uploads.begin(owner);
        if (busy != null) {
            refuseUpload(response, busy.status(), busy.code(), busy.message());
            return;
        }
        Part part = null;
        try {
            part = request.getPart(PART);
            if (part == null) {
                refuseUpload(response, 400, ErrorCode.BAD_REQUEST, "the form has no part named " + PART);
                return;
            }
            Uploads.Outcome outcome =
                    uploads.keep(owner, part.getSubmittedFileName(), part.getContentType(), part::getInputStream);
            if (outcome.refusal() != null) {
                refuseUpload(
                        response,
                        outcome.refusal().status(),
                        outcome.refusal().code(),
                        outcome.refusal().message());
                return;
            }
            Attachment file = outcome.file();
            metrics.fileUploaded(file.size());
            response.setStatus(201);
            response.setHeader("Location", request.getContextPath() + "/" + file.url());
            json(response, described(file));
        } catch (IllegalStateException tooLarge) {
            refuseUpload(response, 413, ErrorCode.LIMIT_EXCEEDED, "a file may have at most " + maxBytes + " bytes");
        } catch (ServletException | IOException unreadable) {
            refuseUpload(
                    response,
                    400,
                    ErrorCode.BAD_REQUEST,
                    "send multipart/form-data with the file in a part named " + PART + ", at most " + maxBytes
                            + " bytes");
        } finally {
            uploads.end(owner);
            if (part != null) {
                part.delete();
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String id = path.startsWith("/") ? path.substring(1).split("/", 2)[0] : "";
        Principal principal = request.getUserPrincipal();
        String userKey = principal == null ? null : new Identity(principal.getName(), true).key();
        StoredFile file = downloads.readable(id, userKey);
        if (file == null) {
            refuse(response, 404, ErrorCode.BAD_REQUEST, "there is no such file, or it is not yours to see");
            return;
        }
        if (!downloads.begin()) {
            response.setHeader("Retry-After", "1");
            refuse(response, 503, ErrorCode.RATE_LIMITED, "the server is sending other files; retry in a moment");
            return;
        }
        try {
            serve(file, response);
        } finally {
            downloads.end();
        }
    }

    /**
     * Its bytes, streamed from the files' directory or in memory from the database until the client has read them:
     * the caller holds one of the downloads at once.
     */
    private void serve(StoredFile file, HttpServletResponse response) throws IOException {
        try (FileDirectory.Bytes content = downloads.content(file)) {
            if (content == null) {
                refuse(response, 404, ErrorCode.BAD_REQUEST, "there is no such file, or it is not yours to see");
                return;
            }
            serve(file, content, response);
        }
    }

    private void serve(StoredFile file, FileDirectory.Bytes content, HttpServletResponse response) throws IOException {
        long size = content.size();
        Attachment described = file.toAttachment();
        boolean inline = INLINE_TYPES.contains(described.type());
        // the inspector calls text only what is valid UTF-8
        response.setContentType(described.type().equals("text/plain") ? "text/plain; charset=UTF-8" : described.type());
        response.setContentLengthLong(size);
        response.setHeader(
                "Content-Disposition",
                ContentDisposition.of(FileNames.forType(described.name(), described.type()), inline));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", FILE_POLICY);
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        // an id's content never changes, but a file may be deleted: the browser keeps it, no shared cache does
        response.setHeader("Cache-Control", "private, max-age=86400, immutable");
        metrics.fileDownloaded(size);
        content.sendTo(response.getOutputStream());
    }

    private static JsonObjectBuilder described(Attachment file) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("id", file.id())
                .add("name", file.name())
                .add("type", file.type())
                .add("size", file.size())
                .add("url", file.url());
        if (file.width() != null) {
            json.add("width", file.width()).add("height", file.height());
        }
        return json;
    }

    /** An upload's refusal: answered, and counted. */
    private void refuseUpload(HttpServletResponse response, int status, ErrorCode code, String message)
            throws IOException {
        metrics.uploadRefused();
        refuse(response, status, code, message);
    }

    private static void refuse(HttpServletResponse response, int status, ErrorCode code, String message)
            throws IOException {
        response.setStatus(status);
        json(response, Json.createObjectBuilder().add("error", code.wire()).add("message", message));
    }

    private static void json(HttpServletResponse response, JsonObjectBuilder body) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body.build().toString());
    }
}
