"""Case events captured from nDelius by logical decoding, and the feed they are stored in."""
