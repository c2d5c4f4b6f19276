#!/usr/bin/env python3
"""Writes the markdown table of a benchmark run from its JSON files: bench/table.py RESULTS_DIR."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])


def load(server, name, target):
    path = root / server / f"{name}-{target}.json"
    return json.loads(path.read_text()) if path.exists() else None


def fig(report, *keys):
    value = report and report.get("figures")
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def num(value, digits=0):
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return f"{value:,.{digits}f}"


def counts(value):
    return ", ".join(f"{key} {num(count)}" for key, count in value.items()) if value else "none"


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "—"


def params(report, *keys):
    p = report["parameters"] if report else {}
    return [p.get(k, "?") for k in keys]


def cpu(report, figures=None, where=""):
    """Server and generator CPU seconds of the window (or of a capacity step), so a reader sees which was the bound."""
    figures = figures if figures is not None else (report or {}).get("figures") or {}
    if figures.get("generator_cpu_seconds") is None:
        return ""
    client = fig(report, "client") or "jdk"
    return (f"; CPU server {num(figures.get('server_cpu_seconds'), 1)} s, generator"
            f" {num(figures.get('generator_cpu_seconds'), 1)} s ({client} client{', batch' if fig(report, 'batch') else ''}){where}")


def last_step(report):
    steps = fig(report, "steps") or []
    return steps[-1] if steps else {}


def loads(*reports):
    seen = [r["machine"]["load_average_start"] for r in reports if r]
    return seen[0] if seen else "—"


rows = []
for server_dir in sorted(p for p in root.iterdir() if p.is_dir()):
    s = server_dir.name
    label = next((r["machine"]["server"] for r in (json.loads(f.read_text()) for f in server_dir.glob("*.json"))), s)
    fp, fr = load(s, "fanout", "parley"), load(s, "fanout", "raw")
    if fp or fr:
        dp, dr = fig(fp, "deliveries_per_cpu_second"), fig(fr, "deliveries_per_cpu_second")
        rows.append([label, "fan-out {}×{}, {} posts/s".format(*params(fp or fr, "rooms", "members", "rate")),
                     f"p50 {num(fig(fp, 'delivery_latency', 'p50_ms'), 1)} / p99 {num(fig(fp, 'delivery_latency', 'p99_ms'), 1)} / max {num(fig(fp, 'delivery_latency', 'max_ms'), 0)} ms; exact: {num(fig(fp, 'exact'))}; {num(dp)} deliveries/CPU-s{cpu(fp)}",
                     f"p50 {num(fig(fr, 'delivery_latency', 'p50_ms'), 1)} / p99 {num(fig(fr, 'delivery_latency', 'p99_ms'), 1)} / max {num(fig(fr, 'delivery_latency', 'max_ms'), 0)} ms; {num(dr)} deliveries/CPU-s{cpu(fr)}",
                     f"{ratio(dp, dr)} deliveries/CPU-s", loads(fp, fr)])
    pp, pr = load(s, "persistence", "parley"), load(s, "persistence", "raw")
    if pp or pr:
        rows.append([label, "persistence {}×{}, {} posts/s (H2)".format(*params(pp or pr, "rooms", "members", "rate")),
                     f"{num(fig(pp, 'echoes_per_second'))} stored and echoed/s of {num(fig(pp, 'posts_per_second_measured'))} posted/s; echo p50 {num(fig(pp, 'echo_latency', 'p50_ms'), 1)} / p99 {num(fig(pp, 'echo_latency', 'p99_ms'), 1)} ms; exact: {num(fig(pp, 'exact'))}",
                     f"{num(fig(pr, 'posts_per_second_measured'))} posts/s; echo p50 {num(fig(pr, 'echo_latency', 'p50_ms'), 1)} / p99 {num(fig(pr, 'echo_latency', 'p99_ms'), 1)} ms",
                     f"echo p99 {ratio(fig(pp, 'echo_latency', 'p99_ms'), fig(pr, 'echo_latency', 'p99_ms'))}", loads(pp, pr)])
    for name, database in (("persistence-500", "H2"), ("persistence-postgres", "PostgreSQL"),
                           ("persistence-postgres-500", "PostgreSQL")):
        qp = load(s, name, "parley")
        if qp:
            rows.append([label, "persistence {}×{}, {} posts/s ({})".format(*params(qp, "rooms", "members", "rate"), database),
                         f"{num(fig(qp, 'echoes_per_second'))} stored and echoed/s of {num(fig(qp, 'posts_per_second_measured'))} posted/s; echo p50 {num(fig(qp, 'echo_latency', 'p50_ms'), 1)} / p99 {num(fig(qp, 'echo_latency', 'p99_ms'), 1)} ms; exact: {num(fig(qp, 'exact'))}",
                         "—", "—", loads(qp)])
    for name in ("hot-room-a", "hot-room-b"):
        hp = load(s, name, "parley")
        if hp:
            posters, members, rate = (int(float(v)) for v in params(hp, "posters", "members", "rate"))
            limits = [o.replace("-Dparley.", "") for o in hp["machine"].get("server_parley_settings", [])
                      if o.startswith("-Dparley.rate.")]
            health = ""
            if fig(hp, "health_latency"):
                health = (f"; /api/health p50 {num(fig(hp, 'health_latency', 'p50_ms'), 1)}"
                          f" / p99 {num(fig(hp, 'health_latency', 'p99_ms'), 1)}"
                          f" / max {num(fig(hp, 'health_latency', 'max_ms'), 0)} ms,"
                          f" {num(fig(hp, 'health_not_200'))} not 200, {num(fig(hp, 'health_unanswered'))} unanswered")
            rows.append([label,
                         f"{name}: one room, {posters} posters + {members - posters} readers, {rate:,} posts/s"
                         f" ({' '.join(limits) or 'default limits'})",
                         f"{num(fig(hp, 'echoed'))} of {num(fig(hp, 'posts'))} posts echoed;"
                         f" echo p50 {num(fig(hp, 'echo_latency', 'p50_ms'), 1)} / p99 {num(fig(hp, 'echo_latency', 'p99_ms'), 1)}"
                         f" / max {num(fig(hp, 'echo_latency', 'max_ms'), 0)} ms; {num(fig(hp, 'stored_per_second'))} stored/s;"
                         f" exact: {num(fig(hp, 'exact'))}; errors: {counts(fig(hp, 'errors_by_code'))};"
                         f" closed: {counts(fig(hp, 'closes_by_code'))}{health}",
                         "—", "—", loads(hp)])
    xp = load(s, "hostile", "parley")
    if xp:
        heap = fig(xp, "hostile", "heap") or {}
        attackers = fig(xp, "attackers") or {}
        outcome = "; ".join(
            f"{name}: {num(a.get('welcomed'))} welcomed, {num(a.get('refused_at_handshake'))} refused at handshake,"
            f" closes {counts(a.get('closes_by_code'))}, errors {counts(a.get('errors_by_code'))}"
            + "".join(f", {key} {num(a[key])}" for key in ("rooms_created", "messages_stored", "history_replies",
                                                           "closed_by_server", "open_max") if key in a)
            for name, a in attackers.items())
        rows.append([label,
                     f"hostile (issue #14), {num(fig(xp, 'heap_limit_mib'))} MiB heap: healthy room of"
                     f" {num(fig(xp, 'healthy', 'connections'))}, quiet then under the memory attacks",
                     f"delivery p99 quiet {num(fig(xp, 'quiet', 'delivery_latency', 'p99_ms'), 1)} ms, hostile"
                     f" {num(fig(xp, 'hostile', 'delivery_latency', 'p99_ms'), 1)} ms, ratio {num(fig(xp, 'p99_ratio'), 2)}"
                     f" (target ≤ 2); CPU s server/generator quiet {num(fig(xp, 'quiet', 'server_cpu_seconds'), 1)}/"
                     f"{num(fig(xp, 'quiet', 'generator_cpu_seconds'), 1)}, hostile"
                     f" {num(fig(xp, 'hostile', 'server_cpu_seconds'), 1)}/{num(fig(xp, 'hostile', 'generator_cpu_seconds'), 1)};"
                     f" heap max {num(heap.get('used_max_mib'))} MiB, old max {num(heap.get('old_max_mib'))},"
                     f" after full GC {num(heap.get('after_full_gc_mib'))} of {num(fig(xp, 'heap_limit_mib'))} MiB;"
                     f" alive (health 200 at the end): {num(fig(xp, 'server_alive'))} ({fig(xp, 'health_at_end')},"
                     f" process up: {num(fig(xp, 'server_process_up'))}); OutOfMemoryError in log:"
                     f" {num(fig(xp, 'server_log_out_of_memory_errors'))}; health during attack:"
                     f" {counts(fig(xp, 'hostile', 'health_answers'))}; attackers: {outcome}",
                     "—", "—", loads(xp)])
    # issue #19: the fan-out quiet, then beside uploads and downloads, per round
    for up_path in sorted(server_dir.glob("uploads-r*-parley.json")):
        up = json.loads(up_path.read_text())
        files = fig(up, "loaded", "files") or {}

        def phase(name):
            heap = fig(up, name, "heap") or {}
            return (" / ".join(num(fig(up, name, "delivery_latency", k), 1) for k in ("p50_ms", "p99_ms", "max_ms"))
                    + f" ms, CPU s server/generator {num(fig(up, name, 'server_cpu_seconds'), 1)}/"
                    f"{num(fig(up, name, 'generator_cpu_seconds'), 1)}, heap max {num(heap.get('used_max_mib'))} MiB"
                    f" (after full GC {num(heap.get('after_full_gc_mib'))})")

        rows.append([label,
                     f"uploads (issue #19), {up_path.name[len('uploads-'):-len('-parley.json')]}: fan-out"
                     f" {num(fig(up, 'healthy', 'connections'))} members quiet, then beside {num(files.get('uploaders'))}"
                     f" uploaders of {num(files.get('file_bytes'))} B and {num(files.get('downloaders'))} downloaders;"
                     f" in the Parley column quiet, in the raw endpoint's column loaded (delivery p50 / p99 / max)",
                     phase("quiet"),
                     phase("loaded") + f"; {num(files.get('uploads_per_second'), 2)} uploads/s,"
                     f" {num(files.get('mb_per_second_up'), 1)} MB/s up, {num(files.get('mb_per_second_down'), 1)} MB/s"
                     f" down, refused: {counts(files.get('refusals'))}",
                     f"loaded / quiet: p50 {num(fig(up, 'p50_ratio'), 2)}×, p99 {num(fig(up, 'p99_ratio'), 2)}×,"
                     f" max {num(fig(up, 'max_ratio'), 2)}×",
                     loads(up)])
    # issue #16: the same fan-out on one node (PostgreSQL) and on two cluster nodes (PostgreSQL + Redis), per round
    for one_path in sorted(server_dir.glob("cluster-1-node-r*-parley.json")):
        round_name = one_path.name[len("cluster-1-node-"):-len("-parley.json")]
        c1, c2 = load(s, f"cluster-1-node-{round_name}", "parley"), load(s, f"cluster-2-nodes-{round_name}", "parley")

        def cluster_cell(report):
            if not report:
                return "—"
            sides = fig(report, "side_cpu_seconds") or {}
            by_node = fig(report, "server_cpu_seconds_by_process") or []
            return (f"p50 {num(fig(report, 'delivery_latency', 'p50_ms'), 1)} / p99 {num(fig(report, 'delivery_latency', 'p99_ms'), 1)}"
                    f" / max {num(fig(report, 'delivery_latency', 'max_ms'), 0)} ms; exact: {num(fig(report, 'exact'))};"
                    f" {num(fig(report, 'deliveries_per_cpu_second'))} deliveries/CPU-s of the server process"
                    f"{'es (' + ' + '.join(num(c, 1) for c in by_node) + ' s)' if len(by_node) > 1 else ''},"
                    f" {num(fig(report, 'deliveries_per_cpu_second_with_sides'))} with "
                    + " + ".join(f"{name} {num(value, 1)} s" for name, value in sides.items())
                    + (f"; with no load the server{'s' if len(by_node) > 1 else ''} took"
                       f" {num(fig(report, 'server_idle_cpu_per_second'), 2)} CPU-s/s"
                       if fig(report, "server_idle_cpu_per_second") is not None else "")
                    + cpu(report))

        p1, p2 = fig(c1, "delivery_latency", "p99_ms"), fig(c2, "delivery_latency", "p99_ms")
        rows.append([(c1 or c2)["machine"]["server"].split(" + ")[0].replace("2 × ", "").replace(" (cluster)", ""),
                     "cluster (issue #16), {}: fan-out {}×{}, {} posts/s; in the Parley column one node on PostgreSQL, in the raw endpoint's column two cluster nodes on PostgreSQL + Redis with the members spread over both (no raw endpoint)".format(
                         round_name, *params(c1 or c2, "rooms", "members", "rate")),
                     cluster_cell(c1), cluster_cell(c2),
                     f"two nodes / one: p99 {ratio(p2, p1)} (target ≤ 2×), deliveries/CPU-s"
                     f" {ratio(fig(c2, 'deliveries_per_cpu_second'), fig(c1, 'deliveries_per_cpu_second'))}",
                     f"{loads(c1)} / {loads(c2)}"])
    cp, cr = load(s, "capacity", "parley"), load(s, "capacity", "raw")
    if cp or cr:
        rows.append([label, "capacity: one room, 4 broadcasts in flight, p95 ≤ 500 ms",
                     f"{num(fig(cp, 'largest_room_held'))} clients ({fig(cp, 'stopped') or '—'}{cpu(cp, last_step(cp), ' at the last step')})",
                     f"{num(fig(cr, 'largest_room_held'))} clients ({fig(cr, 'stopped') or '—'}{cpu(cr, last_step(cr), ' at the last step')})",
                     ratio(fig(cp, 'largest_room_held'), fig(cr, 'largest_room_held')), loads(cp, cr)])
    ip, ir = load(s, "idle", "parley"), load(s, "idle", "raw")
    if ip or ir:
        hp, hr = fig(ip, "heap_per_connection_bytes"), fig(ir, "heap_per_connection_bytes")
        rows.append([label, f"idle: {num(fig(ip, 'connections'))} joined, quiet",
                     f"heap {num(hp and hp / 1024, 1)} KB/conn, RSS {num(fig(ip, 'rss_per_connection_bytes') and fig(ip, 'rss_per_connection_bytes') / 1024, 1)} KB/conn",
                     f"heap {num(hr and hr / 1024, 1)} KB/conn, RSS {num(fig(ir, 'rss_per_connection_bytes') and fig(ir, 'rss_per_connection_bytes') / 1024, 1)} KB/conn",
                     f"heap {ratio(hp, hr)}", loads(ip, ir)])
    hp, hr = load(s, "handshake", "parley"), load(s, "handshake", "raw")
    if hp or hr:
        rows.append([label, "handshakes (connect, welcome, close)",
                     f"{num(fig(hp, 'handshakes_per_second'))}/s, {num(fig(hp, 'errors'))} errors",
                     f"{num(fig(hr, 'handshakes_per_second'))}/s, {num(fig(hr, 'errors'))} errors",
                     ratio(fig(hp, 'handshakes_per_second'), fig(hr, 'handshakes_per_second')), loads(hp, hr)])

print("| server | scenario | Parley | raw endpoint | Parley / raw | load avg at start |")
print("|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(str(c) for c in row) + " |")
