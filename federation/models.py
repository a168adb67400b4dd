"""What federation keeps: our actors and their keys, who follows them, what we sent where, what
came back (likes, boosts, replies), whom we refuse, and WebSub subscriptions to our feeds."""

from __future__ import annotations

from django.db import models


class LocalActor(models.Model):
    """One of our ActivityPub actors: the site itself (an Organization) or an author (a Person).

    The key pair is made once per actor and kept: remote servers cache our public key by its id,
    so a new key would make every earlier signature unverifiable for them.
    """

    class Kind(models.TextChoices):
        SITE = "site", "Site"
        AUTHOR = "author", "Author"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    username = models.CharField(max_length=200, unique=True)
    author = models.OneToOneField(
        "newsroom.AuthorPage", null=True, blank=True, on_delete=models.CASCADE, related_name="fediverse_actor"
    )
    private_key_pem = models.TextField(editable=False)
    public_key_pem = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=models.Q(kind="site"), name="one_site_actor"),
        ]

    def __str__(self) -> str:
        return f"@{self.username}"


class RemoteActor(models.Model):
    """A remote actor we have looked up: where to deliver to it and the key it signs with."""

    uri = models.URLField(max_length=1000, unique=True)
    key_id = models.URLField(max_length=1000, db_index=True)
    public_key_pem = models.TextField()
    inbox = models.URLField(max_length=1000)
    shared_inbox = models.URLField(max_length=1000, blank=True)
    username = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    domain = models.CharField(max_length=255, db_index=True)
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"@{self.username}@{self.domain}" if self.username else self.uri

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    """A remote actor following one of ours (recorded once the Follow was verified and accepted)."""

    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="followers")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="following")
    follow_id = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "remote"], name="unique_follower")]

    def __str__(self) -> str:
        return f"{self.remote} follows {self.actor}"


class Block(models.Model):
    """A domain or a single actor an editor refuses: its follows, replies and reactions are dropped."""

    domain = models.CharField(max_length=255, blank=True, db_index=True,
                              help_text="Every actor on this server, e.g. spam.example.")
    actor_uri = models.URLField("Actor URL", max_length=1000, blank=True, db_index=True,
                                help_text="One actor, e.g. https://social.example/users/someone.")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(domain="") & models.Q(actor_uri="")) & ~(~models.Q(domain="") & ~models.Q(actor_uri="")),
                name="block_domain_xor_actor",
            ),
        ]

    def __str__(self) -> str:
        return self.domain or self.actor_uri


class Activity(models.Model):
    """An activity we sent (Create, Update, Delete, Announce, Accept), kept for the outbox and retries."""

    uri = models.URLField(max_length=1000, unique=True)
    type = models.CharField(max_length=20)
    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="activities")
    article = models.ForeignKey("newsroom.ArticlePage", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="fediverse_activities")
    object_uri = models.URLField(max_length=1000, blank=True, db_index=True)
    body = models.BinaryField()
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.type} {self.object_uri}"


class Delivery(models.Model):
    """One activity to one inbox (a shared inbox stands for every follower on that server).

    Unique per (activity, inbox), so fanning out twice adds nothing; claimed in batches through
    crosspost/lib/leases.py, so a worker killed mid-fan-out leaves at most its batch to resend.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DONE = "done", "Delivered"
        GONE = "gone", "Gone (410)"
        FAILED = "failed", "Gave up"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=1000)
    domain = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "inbox"], name="unique_delivery")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.activity} → {self.inbox} ({self.status})"


class RemoteServer(models.Model):
    """A server we deliver to; one that keeps failing is suspended and tried again daily."""

    domain = models.CharField(max_length=255, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.domain


class Reaction(models.Model):
    """A Like or an Announce (boost) of one of our articles, counted for editors."""

    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        ANNOUNCE = "announce", "Boost"

    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="fediverse_reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    activity_uri = models.URLField(max_length=1000, unique=True)
    actor_uri = models.URLField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "kind", "actor_uri"], name="one_reaction_per_actor")]


class Reply(models.Model):
    """A fediverse Note in reply to one of our articles, held as a comment in the moderation queue."""

    comment = models.OneToOneField("engagement.Comment", on_delete=models.CASCADE, related_name="fediverse_reply")
    object_uri = models.URLField(max_length=1000, unique=True)
    actor_uri = models.URLField(max_length=1000)
    actor_url = models.URLField(max_length=1000, blank=True)
    handle = models.CharField(max_length=300, blank=True)  # @user@server, shown next to the comment
    created_at = models.DateTimeField(auto_now_add=True)


class WebSubSubscription(models.Model):
    """A subscriber to one of our feeds through our own hub (verified by intent challenge)."""

    topic = models.URLField(max_length=1000)
    callback = models.URLField(max_length=1000)
    secret = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "callback"], name="unique_websub_subscription")]

    def __str__(self) -> str:
        return f"{self.callback} ← {self.topic}"


class WebSubPush(models.Model):
    """One content distribution to one subscriber; claimed and retried like a Delivery."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DONE = "done", "Delivered"
        FAILED = "failed", "Gave up"

    subscription = models.ForeignKey(WebSubSubscription, on_delete=models.CASCADE, related_name="pushes")
    event = models.CharField(max_length=100)  # the publish that caused it, so one publish pushes once
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "event"], name="unique_websub_push")]
