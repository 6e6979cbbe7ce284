# Renders each markup of stdin (separated by "\n\0\n") as Jekyll 4.3's default does (kramdown,
# GFM input, no hard wraps, no highlighter), each HTML followed by "\0".
require 'kramdown'
require 'kramdown-parser-gfm'
STDIN.read.split("\n\0\n", -1).each do |markup|
  print Kramdown::Document.new(markup, input: 'GFM', hard_wrap: false, syntax_highlighter: nil).to_html
  print "\0"
end
