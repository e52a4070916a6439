"""大字 (larger type) on every page: the reader's own choice, kept on their phone or computer.

The choice is a cookie holding only "large" — no code, no time, nothing the server
stores or logs — so it survives a reload and the page is drawn large from its first
byte (`context` gives every template `large_text`). On the phone ballot vote.js sets it
without a round trip; with JavaScript off, the code page and the receipts list take
`?text=large` / `?text=normal` (a GET form, so nothing typed is lost). On the management
site a button in the masthead posts to accounts.textsize.
"""

COOKIE = "pingyi_text"
LARGE = "large"
YEAR = 365 * 24 * 3600


def is_large(request) -> bool:
    asked = request.GET.get("text")
    if asked in (LARGE, "normal"):
        return asked == LARGE
    return request.COOKIES.get(COOKIE) == LARGE


def context(request) -> dict:
    """Template context processor: `large_text`, whether to draw the page in 大字."""
    return {"large_text": is_large(request)}


def choose(response, large: bool):
    """Keep the choice on this phone or computer (the only place it is kept)."""
    if large:
        response.set_cookie(COOKIE, LARGE, max_age=YEAR, samesite="Lax")
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response


def remember(request, response):
    """Keep a choice made through `?text=` (JavaScript off) for the next pages."""
    asked = request.GET.get("text")
    if asked in (LARGE, "normal"):
        choose(response, asked == LARGE)
    return response
