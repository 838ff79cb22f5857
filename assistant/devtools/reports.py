"""The developer commands' results as text for a terminal (Swedish, like the rest of the command line)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the measuring modules load only for their command
    from assistant.devtools.bench import BenchResult
    from assistant.devtools.documents_bench import DocumentsBenchResult
    from assistant.devtools.evaluate import Evaluation
    from assistant.devtools.loadtest import BusyResult, LoadResult
    from assistant.devtools.startup import StartupResult


def print_evaluation(result: Evaluation, name: str, questions: Path) -> None:
    print(f"== {name}: {result.in_scope} frågor med facit, {result.out_of_scope} utan ({questions})\n")
    print(f"{'mått':<10}" + "".join(f"{s.method:>10}" for s in result.methods))
    for k in result.methods[0].hits:
        print(f"{f'hit@{k}':<10}" + "".join(f"{s.hits[k]:>10.3f}" for s in result.methods))
    print(f"{'MRR@10':<10}" + "".join(f"{s.mrr:>10.3f}" for s in result.methods))
    print(f"\n{'grupp (sammanvägd)':<22}{'frågor':>7}{'hit@1':>8}{'hit@3':>8}{'hit@5':>8}{'MRR@10':>8}")
    for group in result.groups:
        hits = "".join(f"{group.hits[k]:>8.3f}" for k in (1, 3, 5))
        print(f"{group.method:<22}{group.questions:>7}{hits}{group.mrr:>8.3f}")
    replies = result.replies
    print("\nSvaren:")
    print(f"  första citatet rätt:            {replies.first_quote_right:.3f} ({replies.first_quote_questions} frågor)")
    print(f"  väntat tips bland de två första: {replies.tip_in_first_two:.3f} ({replies.tip_questions} frågor)")
    print(f"  svaret bland de första 400 tecknen: {replies.answer_in_lead:.3f}")
    print(f"  inledningen ur rätt stycke:     {replies.lead_from_gold:.3f}")
    print(f"  inledningen har svarsmeningen:  {replies.lead_has_answer:.3f} ({replies.lead_answer_questions} frågor)")
    print(f"  svarets längd (median, utan källor): {replies.median_reply_chars:.0f} tecken")
    print(f"  besvarade frågor med facit:     {replies.answered_in_scope:.3f}")
    for kind, share in replies.declined.items():
        print(f"  avböjda ({kind}):{'':<{15 - len(kind)}}{share:.3f}")
    talk = result.conversations
    if talk:
        print(f"\nSamtal ({talk.conversations}), rätt stycke först:")
        print(f"  första frågan:  hit@1 {talk.first_turns.hits[1]:.3f} ({talk.first_turns.questions} frågor)")
        print(
            f"  följdfrågorna:  hit@1 {talk.follow_ups.hits[1]:.3f}, hit@5 {talk.follow_ups.hits[5]:.3f}"
            f" ({talk.follow_ups.questions} frågor); inledningen ur rätt stycke {talk.follow_up_lead_from_gold:.3f}"
        )
        for by_kind in talk.kinds:
            at = by_kind.hits
            print(f"    {by_kind.method:<14}hit@1 {at[1]:.3f}, hit@5 {at[5]:.3f} ({by_kind.questions} frågor)")
        if talk.topic_changes:
            print(f"  nytt ämne sökt för sig: {talk.topic_change_alone:.3f} ({talk.topic_changes} frågor)")
    print()


def print_tuning(report: dict[str, Any], output: Path) -> None:
    """The cross-validated figures ``assistant tune`` measured, and where the weights went."""
    adapter, ranker, lead, decision = (report.get(k, {}) for k in ("adapter", "ranker", "lead", "decision"))
    print(f"Lärde av {report['questions']} frågor och {report['conversation_turns']} samtalsturer.")
    if adapter:
        print(
            f"  adapter: {adapter['steps']} steg; förlust på utelämnade veck "
            f"{adapter['held_out_nll_before']:.3f} → {adapter['held_out_nll']:.3f}"
        )
    cv = ranker["cross_validated"]
    print(f"  rankning (korsvaliderad): hit@1 {cv['hit@1']:.3f}, hit@5 {cv['hit@5']:.3f}, MRR {cv['mrr']:.3f}")
    for kind, figures in ranker.get("follow_ups_cross_validated", {}).items():
        at = f"hit@1 {figures['hit@1']:.3f}, hit@5 {figures['hit@5']:.3f}"
        print(f"    samtalsturer, {kind}: {at} ({figures['questions']})")
    talk = report.get("conversations_cross_validated")
    if talk:
        first, later = talk["first_turns"], talk["follow_ups"]
        print(
            f"  samtal frågade tur för tur (korsvaliderat): första frågan hit@1 {first['hit@1']:.3f}; följdfrågorna "
            f"hit@1 {later['hit@1']:.3f}, hit@5 {later['hit@5']:.3f}, inledningen ur rätt stycke "
            f"{later['lead_from_gold']:.3f}; nytt ämne sökt för sig {talk['topic_change_alone']:.3f}"
        )
    for kind, figures in report.get("follow_up", {}).get("cross_validated", {}).items():
        print(f"  följdfråga eller ej rätt läst, {kind}: {figures['read_right']:.3f} ({figures['turns']} turer)")
    cv, base = lead["cross_validated"], lead["cosine_only"]
    print(f"  inledande mening rätt först: {cv['hit@1']:.3f} (bara cosinus: {base['hit@1']:.3f})")
    for key, what in (
        ("first_quote_right", "första citatet rätt"),
        ("tip_in_first_two", "väntat tips bland två första"),
    ):
        if key in report:
            chosen = report[key]
            print(f"  {what}: {chosen['cross_validated']:.3f} (rankarens ordning: {chosen['ranker_order']:.3f})")
    cv = decision["cross_validated"]
    print(
        f"  besvara-beslut (tröskel {decision['threshold']:.2f}): besvarade med facit {cv['in_scope_answered']:.3f}, "
        f"avböjda utan facit {cv['out_of_scope_declined']:.3f}"
    )
    for step in decision.get("trade_off", []):
        print(
            f"    besvara minst {step['answered_at_least']:.3f} av frågorna med facit: "
            f"tröskel {step['threshold']:.2f}, "
            f"avböjda utan facit {step['declined']:.3f}"
        )
    print(f"Vikterna sparades i {output}.")


def print_benchmark(result: BenchResult, model: str) -> None:
    print(f"{result.queries} frågor, {result.passages} stycken ({result.index_kind}), modell {model}")
    print(f"  kodning av fråga (golv): p50 {result.encode_p50_ms:.1f} ms, p95 {result.encode_p95_ms:.1f} ms")
    print(
        f"  sökning (hybrid):        p50 {result.retrieve_p50_ms:.1f} ms, p95 {result.retrieve_p95_ms:.1f} ms "
        f"({result.ratio:.2f} × kodningen, median per fråga)"
    )
    print(f"  varav BM25:              p50 {result.lexical_p50_ms:.1f} ms ({result.lexical_share:.0%} av sökningen)")
    print(f"  recall@10 mot exakt:     {result.recall_at_10:.3f}")
    if result.answer_p50_ms is not None:
        print(f"  helt svar (som chatten): p50 {result.answer_p50_ms:.1f} ms, p95 {result.answer_p95_ms:.1f} ms")
    print(f"  indexbygge:              {result.build_s:.1f} s (högst {result.build_peak_rss_mb:.0f} MB)")
    print(f"  laddning:                {result.load_s:.1f} s")
    print(
        f"  högsta minnesanvändning: {result.peak_rss_mb:.0f} MB (laddning och sökning i en egen process; "
        f"{result.anonymous_mb:.0f} MB utan mappade filer)"
    )


def print_startup(result: StartupResult) -> None:
    for name, runs, median in (
        ("assistant ask, start till svar", result.ask, result.ask_median),
        ("assistant serve, start till första svar", result.serve, result.serve_median),
    ):
        print(f"{name}: median {median:.1f} s ({', '.join(f'{s:.1f}' for s in runs)} s)")


def print_documents_benchmark(result: DocumentsBenchResult) -> None:
    print("Läsning (bästa av 3):")
    for r in result.reading:
        pages = f"{r.pages} sidor, " if r.pages else ""
        per_page = f", {r.ms_per_page:.0f} ms per sida" if r.ms_per_page else ""
        print(f"  {r.format:<18} {pages}{r.passages} stycken: {1000 * r.seconds:.0f} ms{per_page}")
    print("Indexbygge:")
    for b in result.rebuilds:
        print(f"  {b.what:<26} {b.seconds:5.1f} s, {b.passages} stycken, {b.embedded} inbäddade")
    if result.additions:
        print(
            f"Tillägg (median av {len(result.additions[0].searchable_runs)}: läst, sökbart, komplett med meningarna):"
        )
    for a in result.additions:
        per_page = f", {a.ms_per_page:.0f} ms per sida" if a.ms_per_page else ""
        print(
            f"  {a.name}: {a.pages or '–'} sidor, {a.passages} stycken; läst på {a.read_seconds:.1f} s{per_page}; "
            f"sökbart efter {a.searchable_seconds:.1f} s, komplett efter {a.complete_seconds:.1f} s "
            f"({a.embedded} inbäddade)"
        )


def print_busy_load_test(result: BusyResult, sessions: int) -> None:
    for label, load in (("utan ändringar", result.idle), (f"medan {result.added} läggs till", result.busy)):
        print(
            f"{label}: {sessions} sessioner, {result.pages} öppna sidor, {load.requests} frågor på {load.seconds:.1f} s"
        )
        print(f"  rätt besvarade: {load.answered_correctly}/{load.requests}")
        print(f"  svarstid: p50 {load.p50_ms:.0f} ms, p95 {load.p95_ms:.0f} ms")
    ratio = result.busy.p95_ms / result.idle.p95_ms if result.idle.p95_ms else float("nan")
    print(f"p95 under tillägget / utan: {ratio:.2f}; tillägget tog {result.add_seconds:.1f} s")
    print(f"sidornas frågor: {result.polls}, misslyckade {result.poll_failures}")
    print(f"dokument tolkade under tillägget: {result.documents_parsed} (ombyggnaden läser varje dokument en gång)")


def print_load_test(result: LoadResult, sessions: int) -> None:
    print(f"{sessions} samtidiga sessioner, {result.requests} frågor på {result.seconds:.1f} s")
    print(f"  rätt besvarade: {result.answered_correctly}/{result.requests}")
    print(f"  svarstid: p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms")
    print(f"  högsta minnesanvändning (server och klienter i samma process): {result.peak_rss_mb:.0f} MB")
