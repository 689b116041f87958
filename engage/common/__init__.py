"""What the three adapters (``web``, ``api``, ``realtime``) share, so they stand side by side on
the domain and this layer, never on each other: JSON errors, marshmallow error flattening,
downloads. Nothing here holds state; what an app needs lives on the app."""
