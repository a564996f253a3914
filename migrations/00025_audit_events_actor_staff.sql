-- +goose Up
-- Whether an event's actor acted as 1CloudAI staff (through a platform
-- route: suspending a tenant, setting its subscription, reviewing its
-- corrections). A tenant's own audit log and billing history name such an
-- actor "1CloudAI staff" and leave out their account, IP and request id,
-- which stay in the platform log. Earlier events are marked by the actions
-- only platform routes perform (a subscription change not made by Stripe's
-- webhook included); the append-only trigger stands aside for that.
ALTER TABLE audit_events ADD COLUMN actor_staff boolean NOT NULL DEFAULT false;

ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change;
UPDATE audit_events SET actor_staff = true
 WHERE actor_user_id IS NOT NULL
   AND (action IN ('tenant.suspended', 'tenant.reactivated', 'contact.correction_accepted', 'contact.correction_rejected',
                   'package.created', 'package.updated', 'user.system_role_changed')
        OR (action = 'subscription.changed' AND actor_label <> 'stripe'));
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN actor_staff;
