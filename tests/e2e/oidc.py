"""A real OpenID Connect provider (node-oidc-provider from npm) for the SSO tests, and a
person signing in through its login and consent pages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest

PEER = Path(__file__).parent.parent / "peers" / "oidc"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_provider() -> None:
    """Skip without Node.js or the provider's npm packages, or fail under CI=true."""
    if shutil.which("node") and (PEER / "node_modules" / "oidc-provider").exists():
        return
    message = "no Node.js or tests/peers/oidc/node_modules; `make test` installs them"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def oidc_provider(
    port: int, *, client: dict[str, Any], accounts: dict[str, dict[str, Any]]
) -> Iterator[str]:
    """Run the provider on `port`; yields its issuer URL."""
    require_provider()
    config = json.dumps({"client": client, "accounts": accounts})
    process = subprocess.Popen(
        ["node", str(PEER / "provider.mjs"), str(port), config],
        cwd=PEER,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"the OIDC provider exited: {process.stdout.read() if process.stdout else ''}"
                )
            try:
                if httpx2.get(f"{issuer}/.well-known/openid-configuration", timeout=1).is_success:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the OIDC provider did not start")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _submit(browser: httpx2.Client, page: httpx2.Response, **fields: str) -> httpx2.Response:
    """Post the page's form with its hidden inputs and `fields`, as a browser would."""
    form = re.search(r"<form[^>]*action=\"([^\"]+)\"(.*?)</form>", page.text, re.S)
    assert form, page.text
    hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    return browser.post(str(page.url.join(form.group(1))), data={**hidden, **fields})


def sign_in(browser: httpx2.Client, start: str, *, login: str) -> httpx2.Response:
    """Follow the redirects from `start` through the provider's login and consent pages, as
    a person would; returns Watchkeeper's answer to the provider's redirect back."""
    response = browser.get(start)
    for _ in range(12):
        if response.status_code in (302, 303):
            location = str(response.headers["location"])
            target = str(response.url.join(location))
            if "/login/oidc/callback" in target:
                return browser.get(target)
            response = browser.get(target)
        elif response.status_code == 200 and 'name="login"' in response.text:
            response = _submit(browser, response, login=login, password="any")
        elif response.status_code == 200 and "<form" in response.text:
            response = _submit(browser, response)  # the consent page: "Continue"
        else:
            raise AssertionError(f"unexpected step {response.status_code}: {response.text[:500]}")
    raise AssertionError("too many steps")
