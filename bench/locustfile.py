"""Locust users for the load test: anonymous visitors browsing missions, and SMEs applying.

Run by bench/load.py; reads the accounts written by bench/load_data.py from BENCH_LOAD_DATA
and the user counts from BENCH_BROWSERS and BENCH_APPLIERS. Cookies are kept by hand: the
service's session cookie is Secure, which a client over plain http would not send back.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import FastHttpUser, between, task

DATA = json.loads(open(os.environ["BENCH_LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
MISSIONS = DATA["missions"]
COUNTRIES = ["DE", "DK", "SE", "PL", "GB", "BE"]
# Seconds a user spends on a page before the next request (reading it).
THINK = (
    float(os.environ.get("BENCH_THINK_MIN", "5")),
    float(os.environ.get("BENCH_THINK_MAX", "15")),
)
# Each phase of the benchmark gets its own accounts (fresh firms that have not applied yet).
_accounts = itertools.count(int(os.environ.get("BENCH_ACCOUNT_OFFSET", "0")))
_COOKIE = re.compile(r"(mm_session|mm_csrf)=([^;]+)")
# The CSRF token a page carries (bound to the session, or before login to the nonce cookie).
_TOKEN = re.compile(r'name="csrf[-_]token" (?:value|content)="([^"]+)"')


class Browser(FastHttpUser):
    """A visitor looking through the open missions, as a page and through the API."""

    fixed_count = int(os.environ.get("BENCH_BROWSERS", "200"))
    wait_time = between(*THINK)

    @task(4)
    def mission_list(self) -> None:
        self.client.get("/missions", name="GET /missions")

    @task(2)
    def filtered_list(self) -> None:
        self.client.get(
            f"/missions?country={random.choice(COUNTRIES)}&kind=promotional",
            name="GET /missions?filters",
        )

    @task(4)
    def mission_page(self) -> None:
        self.client.get(f"/missions/{random.choice(MISSIONS)}", name="GET /missions/{id}")

    @task(2)
    def api_list(self) -> None:
        self.client.get("/api/missions", name="GET /api/missions")

    @task(1)
    def api_mission(self) -> None:
        self.client.get(f"/api/missions/{random.choice(MISSIONS)}", name="GET /api/missions/{id}")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="GET /")


class Applicant(FastHttpUser):
    """An SME that logs in, looks at missions and its applications, and applies."""

    fixed_count = int(os.environ.get("BENCH_APPLIERS", "20"))
    wait_time = between(*THINK)

    def on_start(self) -> None:
        number = next(_accounts) % len(DATA["smes"])
        self.cookies: dict[str, str] = {}
        self.to_apply = list(DATA["apply_missions"])
        random.shuffle(self.to_apply)
        self.rank = 1
        self.csrf = ""
        self._remember(self.client.get("/login", name="GET /login"))
        response = self.client.post(
            "/login",
            data={
                "email": DATA["smes"][number],
                "password": DATA["sme_password"],
                "csrf_token": self.csrf,
            },
            headers=self._headers(),
            allow_redirects=False,
            name="POST /login",
        )
        self._remember(response)
        if "mm_session" not in self.cookies:
            response.failure("login gave no session cookie")
        self._remember(self.client.get("/sme", headers=self._headers(), name="GET /sme"))

    def _remember(self, response) -> None:
        found = _TOKEN.search(response.text or "")
        if found:
            self.csrf = found.group(1)
        for name, value in response.headers.items():
            if name.lower() == "set-cookie":
                for match in _COOKIE.finditer(value):
                    self.cookies[match.group(1)] = match.group(2)

    def _headers(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    @task(3)
    def mission_list(self) -> None:
        self.client.get("/missions", headers=self._headers(), name="GET /missions (SME)")

    @task(3)
    def mission_page(self) -> None:
        mission = random.choice(MISSIONS)
        self.client.get(
            f"/missions/{mission}", headers=self._headers(), name="GET /missions/{id} (SME)"
        )

    @task(2)
    def applications(self) -> None:
        self.client.get("/sme/applications", headers=self._headers(), name="GET /sme/applications")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/sme", headers=self._headers(), name="GET /sme")

    @task(2)
    def apply(self) -> None:
        if not self.to_apply:
            return
        mission = self.to_apply.pop()
        with self.client.post(
            "/sme/applications",
            data={
                "mission_id": str(mission),
                "rank": str(self.rank),
                "csrf_token": self.csrf,
            },
            headers=self._headers(),
            allow_redirects=False,
            name="POST /sme/applications",
            catch_response=True,
        ) as response:
            if response.status_code == 303 and "applied" in response.headers.get("location", ""):
                self.rank += 1
                response.success()
            else:
                response.failure(f"apply answered {response.status_code}")
