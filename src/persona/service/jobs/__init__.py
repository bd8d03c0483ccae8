"""Jobs: the state machine (``states``, pure) and the queue repository (``repository``:
create, claim with a lease, heartbeat, finish, requeue after a lost worker)."""
