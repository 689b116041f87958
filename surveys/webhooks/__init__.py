"""Outbound webhooks to the Standard Webhooks specification: per-commission subscriptions, the
outbox dispatcher that turns stored catalogue events into deliveries, and the delivery worker
(signing, retries with backoff, the address guard). No web framework; the scheduler runs the
worker (``engage.jobs``). Here, in ``surveys``, because the catalogue spans both domains."""
