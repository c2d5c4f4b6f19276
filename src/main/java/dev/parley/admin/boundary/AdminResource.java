package dev.parley.admin.boundary;

import dev.parley.admin.control.AdminRefused;
import dev.parley.admin.control.Administration;
import dev.parley.admin.entity.AuditView;
import dev.parley.admin.entity.BanView;
import dev.parley.admin.entity.MuteView;
import dev.parley.admin.entity.Stats;
import dev.parley.chat.control.Rooms;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin REST API, {@code /api/admin/…} (src/site/markdown/administration.md). {@link AdminGate} has let only the role
 * {@code chat-admin} through; the audit trail names the caller's principal. Actions answer 204, refusals 400 or 404
 * with {@code {"error": …}}.
 */
@Path("admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminResource {

    static final String TOTAL_HEADER = "X-Total-Count";

    /** The body of an action; each action reads the fields it needs. {@code seconds} 0 or absent: permanent. */
    public record Action(String room, String user, String address, String reason, String text, Long seconds) {}

    /** Who is logged in, and the token the admin page sends in {@value AdminGate#CSRF_HEADER}. */
    public record Session(String user, String csrf) {}

    @Inject
    Administration administration;

    @Context
    SecurityContext security;

    @Context
    HttpServletRequest request;

    @GET
    @Path("session")
    public Session session() {
        return new Session(actor(), AdminGate.csrfToken(request.getSession(true)));
    }

    @GET
    @Path("stats")
    public Stats stats() {
        return administration.stats();
    }

    /**
     * The rooms by name: all of them, or with {@code limit} one page of those whose name contains {@code query}. The
     * body stays a plain list (what REST clients already read); {@value #TOTAL_HEADER} says how many matched.
     */
    @GET
    @Path("rooms")
    public Response rooms(
            @QueryParam("query") String query,
            @QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") Integer limit) {
        String wanted = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        List<Rooms.Overview> matching = administration.rooms().stream()
                .filter(room -> room.name().contains(wanted))
                .toList();
        int from = Math.min(Math.max(0, offset), matching.size());
        int to = limit == null ? matching.size() : Math.min(matching.size(), from + Math.max(0, limit));
        return Response.ok(matching.subList(from, to))
                .header(TOTAL_HEADER, matching.size())
                .build();
    }

    @POST
    @Path("rooms")
    public void createRoom(Action action) {
        administration.createRoom(actor(), body(action).room());
    }

    @GET
    @Path("rooms/{room}/members")
    public List<String> members(@PathParam("room") String room) {
        return administration.members(room);
    }

    @POST
    @Path("rooms/{room}/close")
    public void closeRoom(@PathParam("room") String room, Action action) {
        administration.closeRoom(actor(), room, action == null ? null : action.reason());
    }

    /** Deletes the room with its messages; {@code reason} goes to its members and the audit trail. */
    @DELETE
    @Path("rooms/{room}")
    public void purgeRoom(@PathParam("room") String room, @QueryParam("reason") String reason) {
        administration.purgeRoom(actor(), room, reason);
    }

    @POST
    @Path("rooms/{room}/reopen")
    public void reopenRoom(@PathParam("room") String room) {
        administration.reopenRoom(actor(), room);
    }

    @POST
    @Path("rooms/{room}/kick")
    public void kick(@PathParam("room") String room, Action action) {
        administration.kick(actor(), room, body(action).user(), action.reason());
    }

    @GET
    @Path("mutes")
    public List<MuteView> mutes() {
        return administration.mutes();
    }

    @POST
    @Path("rooms/{room}/mutes")
    public void mute(@PathParam("room") String room, Action action) {
        administration.mute(actor(), room, body(action).user(), seconds(action));
    }

    @DELETE
    @Path("rooms/{room}/mutes/{user}")
    public void unmute(@PathParam("room") String room, @PathParam("user") String user) {
        administration.unmute(actor(), room, user);
    }

    @DELETE
    @Path("rooms/{room}/messages/{seq}")
    public void deleteMessage(
            @PathParam("room") String room, @PathParam("seq") long seq, @QueryParam("reason") String reason) {
        administration.deleteMessage(actor(), room, seq, reason);
    }

    /** {@code text} to everyone, or with {@code room} to its members. */
    @POST
    @Path("announce")
    public void announce(Action action) {
        if (body(action).room() == null) {
            administration.announce(actor(), action.text());
        } else {
            administration.announce(actor(), action.room(), action.text());
        }
    }

    @GET
    @Path("bans")
    public List<BanView> bans() {
        return administration.bans();
    }

    /** Bans {@code user} (by name: a guest is its name) or {@code address}. */
    @POST
    @Path("bans")
    public void ban(Action action) {
        body(action);
        if (action.user() != null && action.address() == null) {
            administration.ban(actor(), action.user(), seconds(action), action.reason());
        } else if (action.address() != null && action.user() == null) {
            administration.banAddress(actor(), action.address(), seconds(action), action.reason());
        } else {
            throw new AdminRefused(AdminRefused.Why.INVALID, "give exactly one of user and address");
        }
    }

    @DELETE
    @Path("bans/users/{user}")
    public void unban(@PathParam("user") String user) {
        administration.unban(actor(), user);
    }

    @DELETE
    @Path("bans/addresses/{address}")
    public void unbanAddress(@PathParam("address") String address) {
        administration.unbanAddress(actor(), address);
    }

    /** The newest entries first; {@code offset} skips that many of the newest, for paging back. */
    @GET
    @Path("audit")
    public List<AuditView> audit(
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("100") int limit) {
        return administration.audit(offset, limit);
    }

    /** Liberty's principal prints as {@code WSPrincipal:name}: always the name. */
    private String actor() {
        return security.getUserPrincipal().getName();
    }

    private static Action body(Action action) {
        if (action == null) {
            throw new AdminRefused(AdminRefused.Why.INVALID, "a JSON object is required");
        }
        return action;
    }

    private static long seconds(Action action) {
        return action.seconds() == null ? 0 : action.seconds();
    }

    static Map<String, String> error(String message) {
        return Map.of("error", message);
    }
}
