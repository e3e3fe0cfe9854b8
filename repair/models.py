"""Models of this app arrive with its issue; the app is registered so the layout is stable."""
