"""Fills a database for the load test: `python -m bench.load_data DATABASE_URL ROUND SMES OUT`.

Through matchmaker's own services: the demo set-up (the spring round and an account per
role), then the generated ROUND imported by the demo organiser and opened (and a closed
copy of it for the matching runs), then SMES SME accounts, each with a newly registered
firm and no applications yet. OUT receives JSON with the accounts and the mission ids the
load users need.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

SME_PASSWORD = "bench-load-password"
REGIONS = ("FR", "GR", "DR")
SECTORS = ("metal", "wholesale", "logistics", "ict", "agrifood", "energy")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_data", description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("round", type=Path)
    parser.add_argument("smes", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)

    from sqlmodel import Session, select

    from matchmaker import resources
    from matchmaker.db import create_db_engine, upgrade_to_head
    from matchmaker.models import FirmRegistration, Mission, Role, User
    from matchmaker.optimisation.scenario import load_document
    from matchmaker.services import accounts, demo, firms, rounds

    started = time.perf_counter()
    engine = create_db_engine(args.database_url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        setup = demo.set_up(
            session=session,
            document=load_document(resources.resolve_scenario("spring-2027-noord")),
        )
        organiser_account = next(a for a in setup.accounts if a.role == "organiser")
        organiser = session.exec(select(User).where(User.email == organiser_account.email)).one()
        document = json.loads(args.round.read_text(encoding="utf-8"))
        imported = time.perf_counter()
        round_row = rounds.import_round(session=session, actor=organiser, document=document)
        round_id = round_row.id
        import_seconds = time.perf_counter() - imported
        rounds.open_round(session=session, actor=organiser, round_id=round_id)
        # Matching runs start only on closed rounds: the runs of the second phase solve a
        # closed copy of the same round while the SMEs apply to the open one.
        copy = {**document, "round": {**document["round"], "id": f"{round_id}-closed"}}
        run_round_id = rounds.import_round(session=session, actor=organiser, document=copy).id
        rounds.open_round(session=session, actor=organiser, round_id=run_round_id)
        rounds.close_round(session=session, actor=organiser, round_id=run_round_id)

        smes = []
        for k in range(args.smes):
            email = f"sme-load-{k}@bench.example"
            user = accounts.register_user(
                session=session, email=email, password=SME_PASSWORD, role=Role.sme
            )
            firms.register_firm(
                session=session,
                actor=user,
                firm_in=FirmRegistration(
                    kvk=f"{90000000 + k:08d}",
                    name=f"Load Test Firm {k} BV",
                    region=REGIONS[k % len(REGIONS)],
                    sector=SECTORS[k % len(SECTORS)],
                    employees=20,
                ),
            )
            smes.append(email)
        missions = session.exec(select(Mission).where(Mission.round_id == round_id)).all()
        # Promotional missions open to every sector take any of the load firms.
        open_to_all = [m.id for m in missions if m.kind == "promotional" and not m.sectors]
        every = [m.id for m in session.exec(select(Mission)).all()]
    engine.dispose()
    args.out.write_text(
        json.dumps(
            {
                "organiser": {
                    "email": organiser_account.email,
                    "password": organiser_account.password,
                },
                "round": round_id,
                "run_round": run_round_id,
                "smes": smes,
                "sme_password": SME_PASSWORD,
                "apply_missions": open_to_all,
                "missions": every,
                "firms": len(document["firms"]),
                "applications": len(document["applications"]),
                "import_seconds": round(import_seconds, 1),
                "seconds": round(time.perf_counter() - started, 1),
            }
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
