"""Users, organisations, memberships, clients, invitations, two-factor sign-in and access."""
