using LearningMechanics.Analysis.Onnx;

namespace LearningMechanics.Analysis.Tests;

public sealed class ContentHashTests
{
    [Fact]
    public void SpectraPhase_KeepsVerdictsOfTheSameContent()
    {
        // A validation recorded on the first ONNX phase ("h") must still show once the background spectra finish
        // ("h+spectra"), and one recorded after them must show on a re-opened file's first phase.
        var suffix = OnnxDocumentAnalyzer.SpectraHashSuffix;
        Assert.True(OnnxDocumentAnalyzer.SameContent("abc", "abc" + suffix));
        Assert.True(OnnxDocumentAnalyzer.SameContent("abc" + suffix, "abc"));
        Assert.True(OnnxDocumentAnalyzer.SameContent("abc", "abc"));
        Assert.False(OnnxDocumentAnalyzer.SameContent("abc", "abd" + suffix));
        Assert.False(OnnxDocumentAnalyzer.SameContent("abc" + suffix, "ab"));
    }
}
