"""Assets of the HTML reports (the style sheet); see README.md."""
