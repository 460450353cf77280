"""The Qt desktop interface of motcua: windows, dialogs, table models (the only Qt users)."""
