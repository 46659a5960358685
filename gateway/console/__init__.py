"""The console (/console): the web page bank staff, suppliers and regulators use, served by the gateway
itself, and the API's reference pages (/docs, /redoc), all from assets inside the package."""
