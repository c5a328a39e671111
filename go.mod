module github.com/accordsdk/accord

go 1.26
