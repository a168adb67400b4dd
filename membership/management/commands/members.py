import json as jsonlib

from django.core.management.base import BaseCommand

from membership.models import Member


class Command(BaseCommand):
    help = "List members: email, tier, status, since, renews."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="One JSON list.")

    def handle(self, *args, json: bool = False, **options) -> None:
        rows = [
            {"email": m.email, "tier": m.tier.name if m.tier else None, "status": m.status,
             "since": m.since.isoformat() if m.since else None,
             "renews": m.renews_at.isoformat() if m.renews_at else None}
            for m in Member.objects.select_related("tier").order_by("email")
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for row in rows:
            self.stdout.write(f"{row['email']:40} {row['tier'] or '-':12} {row['status']:10} "
                              f"{(row['since'] or '-')[:10]:10} {(row['renews'] or '-')[:10]}")


def _dumps(rows) -> str:
    return jsonlib.dumps(rows, indent=2)
