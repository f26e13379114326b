"""Once signed in: the court's link page, the CM/ECF login, the names, the final Submit.

Each step waits for what the next page must show; a page that shows none of it is a
changed site, never a hang. Only steps that are safe to repeat are retried; the final
Submit is sent at most once and never retried: after a lost answer the court is looked
at again, in a fresh page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from .. import words
from ..account_lock import AccountBusy
from ..attorney import Attorney
from ..locators import Selectors
from ..outcome import Outcome, Result
from ..pages import cmecf
from ..pages.base import PageKit
from ..pages.confirmation import parse_confirmation
from ..submit_once import SendRefused
from ..web.net import network_reason
from ..web.stops import FlowStop, SessionEnded, SiteChanged, TransientFailure
from .attempt import EarlierSubmit, FlowDeps, FlowSettings, LinkAttempt
from .judge import judge
from .sign_in import sign_in
from .trust import trust


async def link_attorney(
    page: Page,
    attorney: Attorney,
    selectors: Selectors,
    settings: FlowSettings,
    deps: FlowDeps,
    earlier: EarlierSubmit | None = None,
) -> Result:
    """Link; with `earlier`, look at the court first and link only if the earlier Submit did not land."""
    attempt = LinkAttempt(attorney, selectors, settings, deps, earlier)
    return await _guarded(attempt, page, _link_starting_over_once)


async def recheck_attorney(
    page: Page, attorney: Attorney, selectors: Selectors, settings: FlowSettings, deps: FlowDeps
) -> Result:
    """The look-only option: only look whether an earlier, unanswered Submit took effect."""
    attempt = LinkAttempt(attorney, selectors, settings, deps)
    return await _guarded(attempt, page, _recheck)


async def _guarded(
    attempt: LinkAttempt, page: Page, body: Callable[[LinkAttempt, Page], Awaitable[Result]]
) -> Result:
    """Every way a row can end, as its Result: a stop, a failure, or whatever came after
    the final Submit (which is never "nothing was linked")."""
    try:
        result = await body(attempt, page)
    except FlowStop as stop:
        await attempt.deps.evidence.failure(page, attempt.step)
        result = attempt.result(stop.outcome, stop.message)
    except TransientFailure as exc:
        await attempt.deps.evidence.failure(page, attempt.step)
        tries = f" after {exc.tries} tries" if exc.tries > 1 else ""
        result = attempt.result(
            Outcome.ERROR,
            f"{attempt.who}: step '{attempt.step}' failed{tries}: {exc}; {words.NOTHING_LINKED}",
        )
    except PlaywrightError as exc:
        await attempt.deps.evidence.failure(page, attempt.step)
        reason = network_reason(exc, page.url)
        result = attempt.result(
            Outcome.ERROR, f"{attempt.who}: step '{attempt.step}' failed: {reason}; {words.NOTHING_LINKED}"
        )
    finally:
        if attempt.first_here:
            attempt.known.first_through()
    if attempt.submitted and not result.outcome.is_success and result.outcome != Outcome.UNCONFIRMED:
        # Whatever broke, the permanent Submit may have reached the court.
        result = attempt.result(
            Outcome.UNCONFIRMED,
            words.after_submit(f"{attempt.who}: the final Submit was sent and then {result.message}"),
        )
    return result


async def _link_starting_over_once(attempt: LinkAttempt, page: Page) -> Result:
    try:
        return await _link(attempt, page)
    except SessionEnded:
        if attempt.submitted:
            raise
    # Courts end idle sessions; nothing permanent has happened yet, so start over
    # once. A second expiry in a row is reported rather than chased.
    attempt.note("the court's session ended mid-flow; signed in again")
    attempt.enter("sign in again")
    try:
        return await _link(attempt, page)
    except SessionEnded as again:
        raise SessionEnded(again.url, twice=True) from None


async def _after_first_row(attempt: LinkAttempt) -> None:
    """The first row at a court goes at once; the others wait until it has found the
    link page (or ended), then skip what it went through (court_memory.py). Only after
    the account's lock: a row waiting on another run's lock is never the one others wait for."""
    known = attempt.known
    if attempt.first_here or known.link_page is not None:
        return
    if known.claim_first():
        attempt.first_here = True
        return
    if not known.is_first_through():
        attempt.enter("wait for court")
        await known.first_is_through()


async def _hold_account(attempt: LinkAttempt) -> None:
    """Before looking at the link page: another run's Submit for this account (another
    --out folder) has then been answered, so the look sees its link. Taken before the
    sign-in, which may end on the link page; an account another run holds then spends
    no sign-in and no passcode."""
    if attempt.settings.dry_run or attempt.gate.lock is None:
        return
    attempt.enter("wait for account")
    try:
        await attempt.gate.hold()
    except AccountBusy as busy:
        raise FlowStop(Outcome.ERROR, f"{attempt.who}: {busy}") from None


async def _link(attempt: LinkAttempt, page: Page) -> Result:
    # Held from before signing in: a sign-in may end on the link page itself.
    await _hold_account(attempt)
    await _after_first_row(attempt)
    kit = await sign_in(attempt, page)
    state = await open_link_page(attempt, kit)
    earlier = attempt.earlier
    who = attempt.who
    if state == cmecf.ALREADY_LINKED:
        if earlier is not None:
            return attempt.result(
                Outcome.LINKED,
                f"linked {who} (an earlier run's final Submit had landed: confirmed by"
                " looking at the court's link page; nothing was sent again)",
            )
        return attempt.result(
            Outcome.ALREADY_LINKED,
            f"{who}: the court shows this PACER account already linked; nothing was changed",
        )
    if earlier is not None and not earlier.may_resend:
        # The gate (row_life.decide) said why, in words: the sender still runs, or its
        # Submit may still be on its way.
        return attempt.result(Outcome.UNCONFIRMED, earlier.why_not)
    answer = await _give_cmecf_login(attempt, kit)
    if answer == cmecf.BAD_LOGIN:
        raise FlowStop(
            Outcome.CMECF_LOGIN_FAILED,
            f"the court rejected the legacy CM/ECF login or password for {who} —"
            f" check them with the court's CM/ECF help desk; {words.NOTHING_LINKED}",
        )
    if answer == cmecf.ALREADY_LINKED:
        return attempt.result(
            Outcome.ALREADY_LINKED,
            f"{who}: the court says this CM/ECF account is already linked; nothing was changed",
        )
    attempt.enter("confirm names")
    rows = attempt.selectors.confirm_rows
    names = parse_confirmation(await page.content(), rows["cmecf"], rows["pacer"])
    if names is None:
        raise SiteChanged(
            "the CM/ECF and PACER rows of the confirmation table",
            page.url,
            str(attempt.selectors.origin("confirm_rows.cmecf")),
        )
    attempt.names = names
    await attempt.deps.evidence.confirmation(page)
    refusal = judge(names, attempt.attorney, attempt.deps.guard)
    if attempt.settings.dry_run:
        verdict = f"would refuse: {refusal.message}" if refusal else "the checks would link them"
        return attempt.result(
            Outcome.DRY_RUN,
            f"dry run for {who}: CM/ECF shows"
            f' "{names.cmecf_name}", PACER shows "{names.pacer_name}";'
            f" {verdict}; nothing was submitted",
        )
    if refusal:
        # The page's words kept beside its picture, so a refusal can be read back later.
        await attempt.deps.evidence.failure(page, "refused")
        return attempt.result(refusal.outcome, refusal.message)
    if attempt.deps.approval is not None:
        verdict = "the checks pass (the names match)"
        hold = await attempt.deps.approval.decide(attempt.attorney, names, verdict)
        if hold is not None:
            return attempt.result(hold.outcome, hold.message)
    return await _final_submit(attempt, kit)


async def open_link_page(attempt: LinkAttempt, kit: PageKit) -> str:
    """Utilities → "Link a CM/ECF account": the link form, or the court saying it is linked.

    A link page an earlier row of this run found at this court is loaded directly; if it
    no longer shows the form, it is forgotten and the menu is taken as usual.
    """
    if attempt.link_state is not None:
        state, attempt.link_state = attempt.link_state, None
        attempt.enter("link form")
        return state
    known = attempt.known.link_page
    if known is not None:
        attempt.enter("link form")
        try:
            state = await attempt.repeat(lambda: cmecf.link_page_at(kit, known, remembered=True))
        except SiteChanged:
            state = cmecf.NOT_LINK_PAGE
        if state != cmecf.NOT_LINK_PAGE:
            return state
        attempt.known.link_page = None
    attempt.enter("Utilities")
    utilities = await cmecf.utilities_url(kit)
    try:
        link_page = await attempt.repeat(lambda: cmecf.link_page_url(kit, utilities))
    except cmecf.NoLinkOption as none:
        if none.explained:
            why = "the court says it is not on NextGen yet"
        else:
            # The same page a renamed item would give: say where to look if it was.
            why = (
                "the court has not enabled linking yet, or renamed the item (then edit"
                f" utilities_menu.link_account in {kit.yaml_for('utilities_menu.link_account')};"
                " `autolink check` helps)"
            )
        raise FlowStop(
            Outcome.COURT_NOT_READY,
            f"{attempt.attorney.court} shows no 'Link a CM/ECF account' option under Utilities — {why};"
            f" {words.NOTHING_LINKED}",
        ) from None
    attempt.enter("link form")
    state = await attempt.repeat(lambda: cmecf.link_page_at(kit, link_page))
    attempt.known.link_page = link_page
    attempt.known.first_through()
    return state


async def _give_cmecf_login(attempt: LinkAttempt, kit: PageKit) -> str:
    attempt.enter("CM/ECF login")
    await trust(kit, attempt.court_origin, "type CM/ECF credentials", "link_form.submit")
    return await cmecf.submit_legacy_login(kit, attempt.attorney)


async def _final_submit(attempt: LinkAttempt, kit: PageKit) -> Result:
    page = kit.page
    attempt.enter("submit")
    await trust(kit, attempt.court_origin, "submit the link", "confirm.submit")
    button = await kit.one("confirm.submit")
    await _reach_court_as_the_submit_will(attempt, page)

    def handed_over() -> None:
        attempt.submitted = True

    try:
        report = await attempt.gate.hand_over(page, button, handed_over)
    except SendRefused as refused:
        raise FlowStop(
            Outcome.ERROR,
            f"{attempt.who}: the final Submit was not sent because the journal could not record"
            f" it first ({refused}); {words.NOTHING_LINKED}",
        ) from None
    attempt.enter("verify")
    if report.lost_reason is None:
        try:
            kind = await kit.wait_for_any(
                ["success.message", "texts.already_linked"], what="the success message"
            )
        except (SiteChanged, TransientFailure):
            kind = None
        if kind == "success.message":
            names = attempt.names
            assert names is not None  # read from the confirmation page before the Submit
            return attempt.result(
                Outcome.LINKED,
                f"linked {attempt.who}: CM/ECF"
                f' "{names.cmecf_name}" to PACER "{names.pacer_name}"{_resent(attempt)}',
            )
        seen = "an already-linked notice" if kind else f"an unexpected page at {page.url}"
    else:
        seen = f"no answer ({report.lost_reason})"
    await attempt.deps.evidence.failure(page, "after-submit")
    return await _look_again(attempt, seen)


async def _reach_court_as_the_submit_will(attempt: LinkAttempt, page: Page) -> None:
    """The Submit leaves through Playwright's driver, not the browser: a proxy or a
    certificate the browser copes with may still stop it, after the court has seen
    half a conversation. One harmless GET the same way first; trouble ends the row
    here, with nothing sent."""
    trouble = await attempt.gate.reach(page, attempt.settings.court_url)
    if trouble is None:
        return
    raise FlowStop(
        Outcome.ERROR,
        f"{attempt.who}: step '{attempt.step}' stopped before sending: the court at"
        f" {attempt.court_origin} could not be reached the way the final Submit is sent"
        f" (Playwright's request API): {trouble}. This is most likely proxy or certificate"
        f" trouble: {words.PROXY_ADVICE}; the Submit was not sent, {words.NOTHING_LINKED}",
    )


async def _look_again(attempt: LinkAttempt, seen: str) -> Result:
    """After a lost answer: never resend; sign in afresh and see what the court shows."""
    attempt.enter("recheck")
    try:
        page = await attempt.deps.new_page()
        kit = await sign_in(attempt, page)
        state = await open_link_page(attempt, kit)
    except (FlowStop, TransientFailure, PlaywrightError) as exc:
        why = exc.message if isinstance(exc, FlowStop) else str(exc)
        return attempt.result(
            Outcome.UNCONFIRMED,
            words.after_submit(
                f"{attempt.who}: the final Submit was sent but its answer was lost ({seen})"
                f" and looking again failed ({why})"
            ),
        )
    if state == cmecf.ALREADY_LINKED:
        return attempt.result(
            Outcome.LINKED,
            f"linked {attempt.who} (confirmed by looking again after {seen}){_resent(attempt)}",
        )
    return attempt.result(
        Outcome.UNCONFIRMED,
        words.after_submit(
            f"{attempt.who}: the final Submit was sent but its answer was lost ({seen}), and the"
            " court does not show the account linked yet"
        ),
    )


def _resent(attempt: LinkAttempt) -> str:
    if attempt.earlier is None:
        return ""
    return (
        "; an earlier run's final Submit was never answered, and the court's link page showed"
        " the account not linked with that run's process gone and no other run on this"
        " machine holding the account, so it was sent once more"
    )


async def _recheck(attempt: LinkAttempt, page: Page) -> Result:
    await _after_first_row(attempt)
    kit = await sign_in(attempt, page)
    state = await open_link_page(attempt, kit)
    if state == cmecf.ALREADY_LINKED:
        return attempt.result(Outcome.LINKED, words.confirmed_by_looking(attempt.who))
    return attempt.result(Outcome.UNCONFIRMED, words.recheck_not_landed(attempt.who))
