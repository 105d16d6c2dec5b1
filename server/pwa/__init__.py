"""What makes Bridgework an installable web app: the service worker at /sw.js."""
